package clientstate_test

import (
	stdjson "encoding/json"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// newMockClient starts a mock server and a client for it that uses the
// mock's credentials; both are closed when the test ends.
func newMockClient(t *testing.T, opts ...iotclient.Option) (*mockserver.Server, *clientstate.Client) {
	t.Helper()
	s := mockserver.New()
	t.Cleanup(s.Close)
	c, err := clientstate.NewClient(clientstate.Config{
		BaseURL: s.URL(),
		Auth:    auth.APIKey(mockserver.APIKey, mockserver.APIToken),
	}, opts...)
	require.NoError(t, err)
	return s, c
}

// expectedState is the State a mock client record must decode to, built
// from the mock's own data rather than from the SDK's decoder.
func expectedState(t *testing.T, c mockserver.ClientState) clientstate.State {
	t.Helper()
	st := clientstate.State{
		ClientID:                c.ClientID,
		ClientType:              clientstate.ClientType(c.ClientType),
		Status:                  clientstate.ConnectionStatus(c.ConnectionStatus),
		LastConnected:           c.LastConnect,
		LastDisconnected:        c.LastDisconnect,
		LastActivity:            c.LastActivity,
		LastActivityEvent:       clientstate.ActivityEvent(c.LastActivityEvent),
		Protocol:                c.Protocol,
		DisconnectedBy:          clientstate.DisconnectedBy(c.DisconnectedBy),
		DisconnectReasonCode:    c.DisconnectReasonCode,
		HasDisconnectReasonCode: c.DisconnectReasonCode != 0, // the mock omits 0
	}
	if len(c.Extra) > 0 {
		st.Extra = make(map[string]stdjson.RawMessage, len(c.Extra))
		for k, v := range c.Extra {
			b, err := json.Marshal(v, json.Deterministic(true))
			require.NoError(t, err)
			st.Extra[k] = b
		}
	}
	return st
}

// deviceParts splits a d: or g: client ID by hand (not with the SDK's
// parser, whose output the tests check).
func deviceParts(id string) (typeID, deviceID string, ok bool) {
	p := strings.Split(id, ":")
	if len(p) != 4 || (p[0] != "d" && p[0] != "g") {
		return "", "", false
	}
	return p[2], p[3], true
}

// ids returns the client IDs of mock records that satisfy keep, in order.
func ids(clients []mockserver.ClientState, keep func(mockserver.ClientState) bool) []string {
	var out []string
	for _, c := range clients {
		if keep(c) {
			out = append(out, c.ClientID)
		}
	}
	return out
}

// authForMock is the credential the mock server accepts.
func authForMock() auth.Credential { return auth.APIKey(mockserver.APIKey, mockserver.APIToken) }
