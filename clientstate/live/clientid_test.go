package live_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// An event's client ID has the type of a state's, a tracked state's and a
// flapping client's, so a program matches them with == and no conversion.
func TestEventClientIDComparesWithState(t *testing.T) {
	ev, err := live.ParseStatusMessage("iot-2/type/pump-v2/id/s-00042/mon", []byte(deviceDisconnect))
	require.NoError(t, err)

	st := clientstate.State{ClientID: "d:ab12cd:pump-v2:s-00042"}
	require.True(t, ev.ClientID == st.ClientID, "event %q, state %q", ev.ClientID, st.ClientID)
	require.True(t, ev.ClientID == live.TrackedState{ClientID: st.ClientID}.ClientID)
	require.True(t, ev.ClientID == live.FlappingClient{ClientID: st.ClientID}.ClientID)

	// The parts stay one call away, the same as the state's.
	id, err := ev.ParseClientID()
	require.NoError(t, err)
	want, err := st.ParseClientID()
	require.NoError(t, err)
	require.Equal(t, clientstate.ClientID{Kind: clientstate.KindDevice, Org: "ab12cd", TypeID: "pump-v2", DeviceID: "s-00042"}, id)
	require.Equal(t, want, id)
}
