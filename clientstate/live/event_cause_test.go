package live_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

func TestEventCause(t *testing.T) {
	const topic = "iot-2/type/sensor/id/s-1/mon"
	msg := func(action string, code string) []byte {
		p := `{"Action":"` + action + `","Time":"2024-06-01T12:00:00.000Z","ClientID":"d:ab12cd:sensor:s-1"`
		if code != "" {
			p += `,"CloseCode":` + code
		}
		return []byte(p + "}")
	}
	cases := []struct {
		action, code string
		want         clientstate.Cause
	}{
		{"Disconnect", "160", clientstate.CauseKeepAliveTimeout},
		{"Disconnect", "91", clientstate.CauseClientInitiated},
		{"Disconnect", "288", clientstate.CauseDuplicateClientID},
		{"Disconnect", "94", clientstate.CauseAdminInitiated},
		{"Disconnect", "", clientstate.CauseClientInitiated}, // absent is 0, normal
		{"Disconnect", "777", clientstate.CauseUnknown},
		{"FailedConnect", "180", clientstate.CauseAuthError},
		{"FailedConnect", "", clientstate.CauseUnknown},
		{"Connect", "", clientstate.CauseNone},
		{"Rebooted", "160", clientstate.CauseNone},
	}
	for _, tc := range cases {
		ev, err := live.ParseStatusMessage(topic, msg(tc.action, tc.code))
		require.NoError(t, err)
		assert.Equal(t, tc.want, ev.Cause(), "%s %s", tc.action, tc.code)
	}
	ev, err := live.ParseStatusMessage(topic, msg("Disconnect", "777"))
	require.NoError(t, err)
	assert.Equal(t, 777, ev.CloseCode, "the raw code stays available")
}
