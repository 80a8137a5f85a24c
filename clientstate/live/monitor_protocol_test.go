package live_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
)

// newLiveServer starts the public fake with one stored device, no status
// published yet; it is closed when the test ends.
func newLiveServer(t *testing.T) (*livetest.Server, string) {
	t.Helper()
	rest := clientstatetest.NewServer()
	id := "d:" + clientstatetest.OrgID + ":pump:p-1"
	require.NoError(t, rest.Add(clientstate.State{ClientID: id, Status: clientstate.ConnectionStatus("disconnected")}))
	srv, err := livetest.NewServer(rest)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, id
}

// A broker that refuses the protocol version (CONNACK return code 1) will
// refuse it again: the first refusal ends the stream, as refused
// credentials do.
func TestMonitorProtocolRefusalIsFatal(t *testing.T) {
	srv, _ := newLiveServer(t)
	srv.RefuseProtocol(true)
	m, err := srv.NewMonitor()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), monWait)
	defer cancel()
	var errs []error
	for _, err := range m.Events(ctx) {
		errs = append(errs, err)
		if len(errs) > 3 {
			break // retried: today's behaviour, for ever
		}
	}
	require.Len(t, errs, 1, "%v", errs)
	require.ErrorIs(t, errs[0], live.ErrProtocolRefused)
	ce, ok := errors.AsType[*live.ConnectionError](errs[0])
	require.True(t, ok)
	assert.True(t, ce.Fatal)
	assert.False(t, live.IsTransient(errs[0]))
	assert.NoError(t, ctx.Err(), "the stream ended by itself")
	assert.Zero(t, srv.Connections())
}
