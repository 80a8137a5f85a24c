// Package clientstatetest runs a fake IBM Watson IoT Platform client
// connection state API in-process, for testing code that uses package
// clientstate, in the spirit of net/http/httptest: start a Server, seed it
// with clients and connection logs, inject faults, and get a
// *clientstate.Client configured for it.
//
// The fake serves real HTTP on a loopback address with the platform's
// semantics: opaque bookmarks, every filter and sort, HTTP Basic auth, IBM
// error bodies, 403 while the feature is deactivated, and connection logs
// paged by offset.
package clientstatetest

import (
	"encoding/json"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Fault is one injected failure: an error status (with Retry-After), a
// dropped connection, a truncated body or malformed JSON. Exactly one
// behaviour applies, checked in the order Drop, Truncate, Malformed, Status.
type Fault = mockserver.Fault

// Credentials the fake accepts; Config uses them.
const (
	OrgID    = mockserver.OrgID
	APIKey   = mockserver.APIKey
	APIToken = mockserver.APIToken
)

// Server is a running fake. Close it when done.
type Server struct {
	m *mockserver.Server
}

// NewServer starts a fake with no clients.
func NewServer() *Server { return &Server{m: mockserver.New()} }

// Close stops the server.
func (s *Server) Close() { s.m.Close() }

// URL is the server's base URL, for clientstate.Config.BaseURL.
func (s *Server) URL() string { return s.m.URL() }

// Config returns a configuration that reaches the fake with its API key.
func (s *Server) Config() clientstate.Config {
	return clientstate.Config{BaseURL: s.m.URL(), Auth: auth.APIKey(APIKey, APIToken)}
}

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*clientstate.Client, error) {
	return clientstate.NewClient(s.Config(), opts...)
}

// Seed adds n realistic clients (devices, gateways and applications, mixed
// connected and disconnected, some with absent times or unknown fields), the
// same for the same seed, and returns them in the server's default order
// (ascending client ID).
func (s *Server) Seed(n int, seed int64) []clientstate.State {
	return fromMock(s.m.SeedClients(n, seed))
}

// Add stores client states as given.
func (s *Server) Add(states ...clientstate.State) error {
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
					return iotclient.NewValidationError("State.Extra["+k+"]", string(v), "is not JSON")
				}
				m[i].Extra[k] = x
			}
		}
	}
	s.m.AddClients(m...)
	return nil
}

// States returns every client the fake holds, in its default order.
func (s *Server) States() []clientstate.State { return fromMock(s.m.Clients()) }

// SetStatus connects or disconnects a client at a time.
func (s *Server) SetStatus(clientID string, status clientstate.ConnectionStatus, at time.Time) error {
	return s.m.SetClientStatus(clientID, string(status), at)
}

// SetEnabled activates or deactivates the API; while it is off, state
// queries answer 403 (clientstate.ErrDisabled). Stored states are kept.
func (s *Server) SetEnabled(on bool) { s.m.SetClientStateEnabled(on) }

// AddLogs stores connection-log entries for a device.
func (s *Server) AddLogs(typeID, deviceID string, entries ...clientstate.LogEntry) {
	m := make([]mockserver.LogEntry, len(entries))
	for i, e := range entries {
		m[i] = mockserver.LogEntry{Time: e.Time, Message: e.Message}
	}
	s.m.AddConnectionLogs(typeID, deviceID, m...)
}

// SeedLogs adds n realistic connection-log entries for a device and
// returns them newest first.
func (s *Server) SeedLogs(typeID, deviceID string, n int, seed int64) []clientstate.LogEntry {
	m := s.m.SeedConnectionLogs(typeID, deviceID, n, seed)
	out := make([]clientstate.LogEntry, len(m))
	for i, e := range m {
		out[i] = clientstate.LogEntry{Time: e.Time.UTC().Truncate(time.Millisecond), Message: e.Message}
	}
	return out
}

// FailNext makes the next n requests fail with f.
func (s *Server) FailNext(n int, f Fault) { s.m.FailNext(mockserver.RouteAll, n, f) }

// SetFaultRate makes each request fail with probability rate, with one of
// faults picked at random (429, 503, a dropped connection and a truncated
// body when none are given); the same seed gives the same sequence.
func (s *Server) SetFaultRate(rate float64, seed int64, faults ...Fault) {
	if len(faults) == 0 {
		faults = []Fault{{Status: 429}, {Status: 503}, {Drop: true}, {Truncate: true}}
	}
	s.m.SetRandomFaults(mockserver.RouteAll, rate, seed, faults...)
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) { s.m.SetLatency(mockserver.RouteAll, d) }

// ClearFaults removes injected faults and latency.
func (s *Server) ClearFaults() { s.m.ClearFaults() }

// Requests counts the requests the server has received.
func (s *Server) Requests() int { return s.m.Requests(mockserver.RouteAll) }

func fromMock(in []mockserver.ClientState) []clientstate.State {
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

// ms is a time as the platform reports it: UTC, milliseconds.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
