package clientstate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

func TestUnauthorizedAgainstMock(t *testing.T) {
	s := clientstatetest.NewServer()
	t.Cleanup(s.Close)
	s.Seed(5, 1)
	const wrong = "wrong-token-do-not-print"
	cfg := s.Config()
	cfg.Auth = auth.APIKey(clientstatetest.APIKey, wrong)
	c, err := clientstate.NewClient(cfg)
	require.NoError(t, err)

	_, err = c.Get(context.Background(), "d:ab12cd:sensor:s-1")
	var apiErr *iotclient.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 401, apiErr.StatusCode)
	assert.Equal(t, "CUDRS0001E", apiErr.Code)
	assert.Contains(t, apiErr.Message, "not valid")
	assert.NotEmpty(t, apiErr.RequestID)
	assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.False(t, errors.Is(err, clientstate.ErrDisabled))
	assert.NotContains(t, err.Error(), wrong)
	assert.Equal(t, 1, s.Requests(), "a 401 is not retried")
}

func TestNotFoundAndForbiddenAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	_, err := c.Get(context.Background(), "d:ab12cd:sensor:ghost")
	var apiErr *iotclient.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "CUDRS0002E", apiErr.Code)
	assert.Contains(t, apiErr.Message, "d:ab12cd:sensor:ghost")
	assert.ErrorIs(t, err, iotclient.ErrNotFound)

	// A 403 that is not the feature switch is forbidden, not disabled.
	s.FailNext(1, clientstatetest.Fault{Status: 403})
	_, err = c.ListPage(context.Background(), clientstate.ListQuery{})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "CUDRS0003E", apiErr.Code)
	assert.ErrorIs(t, err, iotclient.ErrForbidden)
	assert.False(t, errors.Is(err, clientstate.ErrDisabled), "%v", err)
}

func TestDisabledAgainstMock(t *testing.T) {
	s, c := newMockClient(t)
	all := s.Seed(120, 2)
	ctx := context.Background()

	on, err := c.Enabled(ctx)
	require.NoError(t, err)
	assert.True(t, on)

	s.SetEnabled(false)
	on, err = c.Enabled(ctx)
	require.NoError(t, err)
	assert.False(t, on)

	check := func(err error) {
		t.Helper()
		require.Error(t, err)
		assert.ErrorIs(t, err, clientstate.ErrDisabled)
		assert.ErrorIs(t, err, iotclient.ErrForbidden)
		var apiErr *iotclient.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 403, apiErr.StatusCode)
		assert.Equal(t, "CUDCS0403E", apiErr.Code)
	}
	_, err = c.Get(ctx, all[0].ClientID)
	check(err)
	_, err = c.ListPage(ctx, clientstate.ListQuery{})
	check(err)
	n := 0
	for _, err := range c.List(ctx, clientstate.ListQuery{}) {
		n++
		check(err)
	}
	assert.Equal(t, 1, n)

	// Activating through the API brings the (kept) states back.
	require.NoError(t, c.SetEnabled(ctx, true))
	rec := s.last(t, configPath)
	assert.Equal(t, "PUT", rec.Method)
	assert.JSONEq(t, `{"enabled":true}`, string(rec.Body))
	on, err = c.Enabled(ctx)
	require.NoError(t, err)
	assert.True(t, on)
	st, err := c.Get(ctx, all[0].ClientID)
	require.NoError(t, err)
	assert.Equal(t, all[0].ClientID, st.ClientID)

	// Deactivating through the API deletes them, as on the platform;
	// repeating it is harmless.
	require.NoError(t, c.SetEnabled(ctx, false))
	require.NoError(t, c.SetEnabled(ctx, false))
	require.NoError(t, c.SetEnabled(ctx, true))
	p, err := c.ListPage(ctx, clientstate.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	assert.Empty(t, p.Next)
}

func TestRetriesTransientFailuresAgainstMock(t *testing.T) {
	s, c := newMockClient(t, iotclient.WithBackoff(1e6, 2e6))
	all := s.Seed(250, 4)
	s.FailNext(2, clientstatetest.Fault{Status: 503})
	got := collect(t, c.List(context.Background(), clientstate.ListQuery{}))
	assert.Equal(t, ids(all, everyState), stateIDs(got))
	assert.Equal(t, 3+2, s.Requests())
}

func TestTruncatedAndMalformedBodiesAgainstMock(t *testing.T) {
	s, c := newMockClient(t, iotclient.WithBackoff(1e6, 2e6))
	all := s.Seed(150, 6)

	// A body cut short is retried (the list is a read) and the listing
	// still yields every client once.
	s.FailNext(1, clientstatetest.Fault{Truncate: true})
	got := collect(t, c.List(context.Background(), clientstate.ListQuery{}))
	assert.Equal(t, ids(all, everyState), stateIDs(got))
	assert.Equal(t, 3, s.Requests())

	// A 200 whose body is not JSON is a malformed response, not a zero value.
	s.FailNext(1, clientstatetest.Fault{Malformed: true})
	st, err := c.Get(context.Background(), all[0].ClientID)
	assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Equal(t, clientstate.State{}, st)

	s.FailNext(1, clientstatetest.Fault{Malformed: true})
	s.SeedLogs("sensor", "s-1", 5, 1)
	_, err = collectLogs(t, c.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{}))
	assert.ErrorIs(t, err, iotclient.ErrMalformedResponse)
}
