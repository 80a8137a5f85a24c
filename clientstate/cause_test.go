package clientstate_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
)

// Every close code of the platform's table, with the cause it documents.
var closeCodeCauses = []struct {
	code  int
	cause clientstate.Cause
}{
	{0, clientstate.CauseClientInitiated},
	{91, clientstate.CauseClientInitiated},
	{92, clientstate.CauseServerInitiated},
	{93, clientstate.CauseServerInitiated},
	{94, clientstate.CauseAdminInitiated},
	{104, clientstate.CauseThrottled},
	{105, clientstate.CauseProtocolError},
	{154, clientstate.CauseThrottled},
	{160, clientstate.CauseKeepAliveTimeout},
	{163, clientstate.CauseConnectionLost},
	{164, clientstate.CauseConnectionLost},
	{165, clientstate.CauseProtocolError},
	{166, clientstate.CauseProtocolError},
	{167, clientstate.CauseServerError},
	{169, clientstate.CauseAuthError},
	{170, clientstate.CauseAuthError},
	{173, clientstate.CauseThrottled},
	{175, clientstate.CauseAuthError},
	{176, clientstate.CauseThrottled},
	{180, clientstate.CauseAuthError},
	{271, clientstate.CauseProtocolError},
	{276, clientstate.CauseProtocolError},
	{287, clientstate.CauseProtocolError},
	{288, clientstate.CauseDuplicateClientID},
	// Undocumented codes.
	{-1, clientstate.CauseUnknown},
	{1, clientstate.CauseUnknown},
	{95, clientstate.CauseUnknown},
	{161, clientstate.CauseUnknown},
	{289, clientstate.CauseUnknown},
	{1 << 30, clientstate.CauseUnknown},
}

func TestCauseOfCloseCode(t *testing.T) {
	for _, tc := range closeCodeCauses {
		assert.Equal(t, tc.cause, clientstate.CauseOfCloseCode(tc.code), "close code %d", tc.code)
		assert.True(t, tc.cause.Known(), "close code %d", tc.code)
	}
}

func TestDisconnectedByCause(t *testing.T) {
	for by, want := range map[clientstate.DisconnectedBy]clientstate.Cause{
		clientstate.DisconnectedByClient:  clientstate.CauseClientInitiated,
		clientstate.DisconnectedByServer:  clientstate.CauseServerInitiated,
		clientstate.DisconnectedByNetwork: clientstate.CauseConnectionLost,
		"":                                clientstate.CauseNone,
		"firmware":                        clientstate.CauseUnknown,
	} {
		assert.Equal(t, want, by.Cause(), "disconnectedBy %q", by)
	}
}

func TestStateCause(t *testing.T) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	withCode := func(by clientstate.DisconnectedBy, code int) clientstate.State {
		return clientstate.State{Status: clientstate.StatusDisconnected, LastDisconnected: at, DisconnectedBy: by,
			DisconnectReasonCode: code, HasDisconnectReasonCode: true}
	}
	cases := []struct {
		name  string
		state clientstate.State
		want  clientstate.Cause
	}{
		{"the code decides", withCode(clientstate.DisconnectedByNetwork, 160), clientstate.CauseKeepAliveTimeout},
		{"code over disconnectedBy", withCode(clientstate.DisconnectedByServer, 288), clientstate.CauseDuplicateClientID},
		{"code 0 is a normal close", withCode("", 0), clientstate.CauseClientInitiated},
		{"an unknown code falls back to disconnectedBy", withCode(clientstate.DisconnectedByNetwork, 999), clientstate.CauseConnectionLost},
		{"unknown code, nothing else", withCode("", 999), clientstate.CauseUnknown},
		{"disconnectedBy alone", clientstate.State{Status: clientstate.StatusDisconnected, DisconnectedBy: clientstate.DisconnectedByClient}, clientstate.CauseClientInitiated},
		{"disconnected without a reason", clientstate.State{Status: clientstate.StatusDisconnected}, clientstate.CauseUnknown},
		{"connected, disconnected once without a reason", clientstate.State{Status: clientstate.StatusConnected, LastDisconnected: at}, clientstate.CauseUnknown},
		{"never disconnected", clientstate.State{Status: clientstate.StatusConnected, LastConnected: at}, clientstate.CauseNone},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.state.Cause(), tc.name)
	}
}

func TestCausesListsEveryCauseOnce(t *testing.T) {
	all := clientstate.Causes()
	seen := map[clientstate.Cause]bool{}
	for _, c := range all {
		assert.False(t, seen[c], "%s twice", c)
		assert.NotEqual(t, clientstate.CauseNone, c)
		seen[c] = true
	}
	for _, tc := range closeCodeCauses {
		assert.True(t, seen[tc.cause], "%s missing from Causes", tc.cause)
	}
	all[0] = "changed"
	assert.Equal(t, clientstate.CauseClientInitiated, clientstate.Causes()[0], "Causes returns a copy")
	assert.False(t, clientstate.Cause("SOMETHING_NEW").Known())
}

// The cause of a state read over HTTP from the platform's fields.
func TestStateCauseFromMock(t *testing.T) {
	s, c := newMockClient(t)
	at := time.Date(2024, 5, 31, 10, 0, 0, 0, time.UTC)
	require.NoError(t, s.Add(
		clientstate.State{ClientID: "d:ab12cd:sensor:s-1", Status: clientstate.StatusDisconnected,
			LastConnected: at, LastDisconnected: at.Add(time.Hour), DisconnectedBy: "network", DisconnectReasonCode: 160},
		clientstate.State{ClientID: "d:ab12cd:sensor:s-2", Status: clientstate.StatusConnected,
			LastConnected: at.Add(time.Hour), LastDisconnected: at.Add(time.Hour), DisconnectedBy: "server", DisconnectReasonCode: 288},
		clientstate.State{ClientID: "d:ab12cd:sensor:s-3", Status: clientstate.StatusConnected, LastConnected: at},
	))
	want := map[string]clientstate.Cause{
		"d:ab12cd:sensor:s-1": clientstate.CauseKeepAliveTimeout,
		"d:ab12cd:sensor:s-2": clientstate.CauseDuplicateClientID,
		"d:ab12cd:sensor:s-3": clientstate.CauseNone,
	}
	for id, cause := range want {
		st, err := c.Get(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, cause, st.Cause(), id)
	}
}
