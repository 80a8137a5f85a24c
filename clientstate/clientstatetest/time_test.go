package clientstatetest_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// Seeded data is placed before the moment the server started, so a
// filter relative to the current time finds it.
func TestSeedIsRelativeToNow(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	since := time.Now().Add(-48 * time.Hour)
	want := 0
	for _, st := range srv.Seed(300, 1) {
		require.False(t, st.LastConnected.After(srv.Now()), "connected after the reference time: %v", st.LastConnected)
		if st.LastConnected.After(since) {
			want++
		}
	}
	require.Positive(t, want)
	c, err := srv.NewClient()
	require.NoError(t, err)
	got := 0
	for st, err := range c.List(context.Background(), clientstate.ListQuery{}) {
		require.NoError(t, err)
		if st.LastConnected.After(since) {
			got++
		}
	}
	assert.Equal(t, want, got)

	logs := srv.SeedLogs("pump", "p-1", 40, 1)
	assert.Equal(t, logs, srv.Logs("pump", "p-1"))
	for _, e := range logs {
		assert.WithinDuration(t, srv.Now(), e.Time, 7*24*time.Hour)
	}
}

func TestWithNowMakesSeedsRepeatable(t *testing.T) {
	at := time.Date(2024, time.June, 1, 12, 0, 0, 0, time.UTC)
	a, b := clientstatetest.NewServer(clientstatetest.WithNow(at)), clientstatetest.NewServer(clientstatetest.WithNow(at))
	defer a.Close()
	defer b.Close()
	assert.Equal(t, at, a.Now())
	assert.Equal(t, a.Seed(50, 3), b.Seed(50, 3))
}

func TestFaultRetryAfterIsADuration(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)
	srv.FailNext(1, clientstatetest.Fault{Status: 429, RetryAfter: 3 * time.Second})
	_, err = c.Enabled(context.Background())
	require.ErrorIs(t, err, iotclient.ErrRateLimited)
	var ae *iotclient.APIError
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, 3*time.Second, ae.RetryAfter)
}

func TestAddLogsRefusesAnEntryWithoutTime(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	err := srv.AddLogs("pump", "p-2", clientstate.LogEntry{Time: time.Now(), Message: "Connect"}, clientstate.LogEntry{Message: "x"})
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "LogEntry[1].Time", ve.Field)
	assert.Empty(t, srv.Logs("pump", "p-2"))
}

func TestHandlerServesTheSameFake(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	srv.Seed(7, 1)
	other := httptest.NewServer(srv.Handler())
	defer other.Close()
	cfg := srv.Config()
	cfg.BaseURL = other.URL
	c, err := clientstate.NewClient(cfg)
	require.NoError(t, err)
	n := 0
	for _, err := range c.List(context.Background(), clientstate.ListQuery{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 7, n)
}
