package clientstate_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

func TestE2EListExactlyOnceUnderRandomFaults(t *testing.T) {
	s, c := newMockClient(t, iotclient.WithRetry(10), iotclient.WithBackoff(time.Millisecond, 4*time.Millisecond))
	s.Seed(5000, 11)
	want := s.States()
	s.SetFaultRate(0.2, 2026,
		clientstatetest.Fault{Status: 429},
		clientstatetest.Fault{Status: 503},
		clientstatetest.Fault{Drop: true},
		clientstatetest.Fault{Truncate: true},
	)
	var got []string
	for st, err := range c.List(context.Background(), clientstate.ListQuery{PageSize: 50}) {
		require.NoError(t, err)
		got = append(got, st.ClientID)
	}
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].ClientID, got[i], "record %d: every client exactly once, in order", i)
	}
	injected := s.FaultsInjected()
	t.Logf("records checked: %d; requests: %d; faults injected and survived: %d",
		len(got), s.Requests(), injected)
	assert.Greater(t, injected, 10, "the test must actually have met faults")
}

func TestE2EListEveryRequestFailingEndsWithOneError(t *testing.T) {
	s, c := newMockClient(t, iotclient.WithRetry(2), iotclient.WithBackoff(time.Millisecond, 2*time.Millisecond))
	s.Seed(100, 1)
	s.SetFaultRate(1, 1, clientstatetest.Fault{Status: 503})
	var errs []error
	for _, err := range c.List(context.Background(), clientstate.ListQuery{}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	var ae *iotclient.APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, 3, ae.Attempts)
	assert.Equal(t, 3, s.Requests())
}
