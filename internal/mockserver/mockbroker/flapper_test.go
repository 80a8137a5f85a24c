package mockbroker

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// A flapping device cycles through client-ID reuse and keepalive
// timeouts, in REST state and on its status topic.
func TestFlapDevice(t *testing.T) {
	s := newServer(t)
	const id = "d:" + mockserver.OrgID + ":pump-v2:pump-0013"
	s.AddClients(mockserver.ClientState{ClientID: id, ConnectionStatus: mockserver.Connected})
	b := newBroker(t, s)
	_, msgs := subscribe(t, b, "a:"+mockserver.OrgID+":flapwatch", "iot-2/type/pump-v2/id/pump-0013/mon")

	want := []struct {
		action string
		code   int
		status string
	}{
		{ActionDisconnect, 288, mockserver.Connected},
		{ActionDisconnect, 288, mockserver.Connected},
		{ActionDisconnect, 160, mockserver.Disconnected},
		{ActionConnect, 0, mockserver.Connected},
		{ActionDisconnect, 288, mockserver.Connected},
	}
	for step, w := range want {
		tr, err := b.FlapDevice(id, step)
		require.NoError(t, err)
		require.Equal(t, w.action, tr.Action, "step %d", step)
		require.Equal(t, w.code, tr.CloseCode, "step %d", step)
		st, _ := s.Client(id)
		require.Equal(t, w.status, st.ConnectionStatus, "step %d", step)
		if w.action == ActionDisconnect {
			require.Equal(t, w.code, st.DisconnectReasonCode, "step %d", step)
		}
	}
	for step, w := range want {
		m := <-msgs // live changes: a subscriber gets them without the retain flag
		require.False(t, m.retained, "message %d", step)
		require.Equal(t, w.action, m.payload["Action"], "message %d", step)
	}
	_, err := b.FlapDevice("d:"+mockserver.OrgID+":pump-v2:nobody", 0)
	require.Error(t, err)
	_, err = b.FlapDevice("a:"+mockserver.OrgID+":app", 0)
	require.Error(t, err)
}
