package clientstatetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	stdjson "encoding/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

func TestSeedMatchesWhatTheClientReads(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	seeded := srv.Seed(300, 5)
	c, err := srv.NewClient()
	require.NoError(t, err)
	var got []clientstate.State
	for st, err := range c.List(context.Background(), clientstate.ListQuery{}) {
		require.NoError(t, err)
		got = append(got, st)
	}
	assert.Equal(t, seeded, got)
	assert.Equal(t, seeded, srv.States())
}

func TestAddSetStatusAndDisable(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	at := time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC)
	require.NoError(t, srv.Add(clientstate.State{ClientID: "d:ab12cd:pump:p-1", ClientType: clientstate.ClientTypeDevice,
		Status: clientstate.StatusConnected, LastConnected: at, Extra: map[string]stdjson.RawMessage{"zone": stdjson.RawMessage(`"north"`)}}))
	require.NoError(t, srv.SetStatus("d:ab12cd:pump:p-1", clientstate.StatusDisconnected, at.Add(time.Hour)))
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)
	st, err := c.Get(context.Background(), "d:ab12cd:pump:p-1")
	require.NoError(t, err)
	assert.Equal(t, clientstate.StatusDisconnected, st.Status)
	assert.Equal(t, at.Add(time.Hour), st.LastDisconnected)
	assert.JSONEq(t, `"north"`, string(st.Extra["zone"]))

	srv.SetEnabled(false)
	_, err = c.Get(context.Background(), "d:ab12cd:pump:p-1")
	assert.True(t, errors.Is(err, clientstate.ErrDisabled))
}

func TestLogsAndFaults(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	seeded := srv.SeedLogs("pump", "p-1", 30, 2)
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)
	var got []clientstate.LogEntry
	for e, err := range c.ConnectionLogs(context.Background(), "pump", "p-1", clientstate.LogQuery{}) {
		require.NoError(t, err)
		got = append(got, e)
	}
	assert.Equal(t, seeded, got)

	srv.FailNext(1, clientstatetest.Fault{Status: 503})
	_, err = c.Get(context.Background(), "d:ab12cd:pump:p-1")
	require.ErrorIs(t, err, iotclient.ErrServer)
	assert.Equal(t, 2, srv.Requests(), "one log request (no limit: the whole log), one failed Get")
}

func TestFaultRateLatencyAndLogs(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	assert.Contains(t, srv.URL(), "127.0.0.1")
	at := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, srv.AddLogs("pump", "p-9", clientstate.LogEntry{Time: at, Message: "Connect"},
		clientstate.LogEntry{Time: at.Add(time.Minute), Message: "Disconnect"}))
	c, err := srv.NewClient(iotclient.WithRetry(0))
	require.NoError(t, err)

	srv.SetFaultRate(1, 7)
	_, err = c.ListPage(context.Background(), clientstate.ListQuery{})
	require.Error(t, err)
	srv.SetLatency(time.Millisecond)
	srv.ClearFaults()

	var msgs []string
	for e, err := range c.ConnectionLogs(context.Background(), "pump", "p-9", clientstate.LogQuery{}) {
		require.NoError(t, err)
		msgs = append(msgs, e.Message)
	}
	assert.Equal(t, []string{"Disconnect", "Connect"}, msgs, "newest first")
	assert.Error(t, srv.Add(clientstate.State{ClientID: "d:ab12cd:t:x", Extra: map[string]stdjson.RawMessage{"bad": stdjson.RawMessage("{")}}))
}
