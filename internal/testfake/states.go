package testfake

import (
	"encoding/json"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// StatesToMock converts client states to the fake's records; an Extra
// value that is not JSON is a *iotclient.ValidationError.
func StatesToMock(states []clientstate.State) ([]mockserver.ClientState, error) {
	m := make([]mockserver.ClientState, len(states))
	for i, st := range states {
		m[i] = mockserver.ClientState{
			ClientID: st.ClientID, ClientType: string(st.ClientType), ConnectionStatus: string(st.Status),
			LastConnect: st.LastConnected, LastDisconnect: st.LastDisconnected, LastActivity: st.LastActivity,
			LastActivityEvent: string(st.LastActivityEvent), Protocol: st.Protocol,
			DisconnectedBy: string(st.DisconnectedBy), DisconnectReasonCode: st.DisconnectReasonCode,
		}
		if len(st.Extra) > 0 {
			m[i].Extra = make(map[string]any, len(st.Extra))
			for k, v := range st.Extra {
				var x any
				if err := json.Unmarshal(v, &x); err != nil {
					return nil, iotclient.NewValidationError("State.Extra["+k+"]", string(v), "is not JSON")
				}
				m[i].Extra[k] = x
			}
		}
	}
	return m, nil
}

// StatesFromMock converts the fake's records to what the SDK decodes.
func StatesFromMock(in []mockserver.ClientState) []clientstate.State {
	out := make([]clientstate.State, len(in))
	for i, c := range in {
		st := clientstate.State{
			ClientID: c.ClientID, ClientType: clientstate.ClientType(c.ClientType),
			Status:        clientstate.ConnectionStatus(c.ConnectionStatus),
			LastConnected: ms(c.LastConnect), LastDisconnected: ms(c.LastDisconnect), LastActivity: ms(c.LastActivity),
			LastActivityEvent: clientstate.ActivityEvent(c.LastActivityEvent), Protocol: c.Protocol,
			DisconnectedBy:       clientstate.DisconnectedBy(c.DisconnectedBy),
			DisconnectReasonCode: c.DisconnectReasonCode,
			// The fake leaves a zero code out, as it does any zero field.
			HasDisconnectReasonCode: c.DisconnectReasonCode != 0,
		}
		if len(c.Extra) > 0 {
			st.Extra = make(map[string]jsontext.Value, len(c.Extra))
			for k, v := range c.Extra {
				b, _ := json.Marshal(v) // values came from JSON-able seeds or Add
				st.Extra[k] = b
			}
		}
		out[i] = st
	}
	return out
}

// LogsFromMock converts connection-log entries to what the SDK decodes.
func LogsFromMock(in []mockserver.LogEntry) []clientstate.LogEntry {
	out := make([]clientstate.LogEntry, len(in))
	for i, e := range in {
		out[i] = clientstate.LogEntry{Time: ms(e.Time), Message: e.Message}
	}
	return out
}

// ms is a time as the IBM platform reports it: UTC, milliseconds.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
