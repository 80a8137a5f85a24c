// Package clientstatetest runs a fake IBM Watson IoT Platform client
// connection state API in-process, for testing code that uses package
// clientstate, in the spirit of net/http/httptest: start a Server, seed it
// with clients and connection logs, inject faults, and get a
// *clientstate.Client configured for it.
//
// The fake serves HTTP (routes /api/v0002/...) with the platform's
// semantics: opaque bookmarks, every filter and sort, HTTP Basic auth, IBM
// error bodies, 403 while the feature is deactivated, and connection logs
// paged by offset. NewClient's client reaches it in memory, so a test can
// run in a testing/synctest bubble (see package iotclienttest); URL and
// Config reach it on a loopback address.
//
// Seeded clients and logs are placed before the server's reference time
// (Now), so a filter relative to the current time finds the recent ones;
// Server.Seed and Server.SeedLogs give the exact windows.
package clientstatetest

import (
	stdjson "encoding/json"
	"strconv"
	"time"

	json "github.com/go-json-experiment/json"
	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Credentials the fake accepts; Config uses them.
const (
	// OrgID is the organization the fake serves; seeded client IDs are
	// of this organization (d:ab12cd:{type}:{device}, ...).
	OrgID string = mockserver.OrgID
	// APIKey is the HTTP Basic user name accepted, of the form
	// a-{org}-{random}.
	APIKey string = mockserver.APIKey
	// APIToken is the auth token of APIKey (the HTTP Basic password).
	APIToken string = mockserver.APIToken
)

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct {
	iotclienttest.Fake // address, in-memory client, request count, faults
	m                  *mockserver.Server
}

// Option configures a Server built by NewServer: WithNow. It follows
// iotclient.Option's idiom: an interface whose method takes an internal
// type, so only this package provides one; a nil Option changes nothing.
type Option interface {
	// Apply adds the option to the fake's settings. Only the SDK calls
	// it: its argument's type is internal.
	Apply(*mockserver.FakeSettings)
}

// WithNow sets the server's reference time (default: when NewServer is
// called), so seeded data is the same from run to run, times included.
func WithNow(t time.Time) Option { return mockserver.WithReferenceTime(t) }

// NewServer starts a fake with no clients; the client connection state
// API starts activated. It opens no socket until URL or Config is called
// (then on 127.0.0.1 and a random port).
func NewServer(opts ...Option) *Server {
	m := mockserver.NewFake(opts)
	return &Server{Fake: m.Fake(), m: m}
}

// Config returns a configuration that reaches the fake on its loopback
// address (see URL) with its API key.
func (s *Server) Config() clientstate.Config { return s.config(s.m.URL()) }

func (s *Server) config(baseURL string) clientstate.Config {
	return clientstate.Config{BaseURL: baseURL, Auth: auth.APIKey(APIKey, APIToken)}
}

// NewClient returns a client that reaches the fake in memory (Client), as
// Config does over its loopback address, and works in a testing/synctest
// bubble. Give WithHTTPClient a client of your own whose transport wraps
// Client's to watch the requests: a transport of its own reaches nothing.
func (s *Server) NewClient(opts ...iotclient.Option) (*clientstate.Client, error) {
	return mockserver.FakeClient(s.m, s.config, clientstate.NewClient, opts)
}

// Seed adds n realistic clients of OrgID and returns them in the server's
// default order (ascending client ID): about 80% devices, 8% gateways and
// 12% applications, 60% connected, some with absent times or fields the
// SDK does not model; the same for a seed and Now. Times are in
// milliseconds: the last connect 1 minute to 30 days before Now; the last
// disconnect up to 10 days before a connected client's connect, or between
// a disconnected client's connect and Now.
func (s *Server) Seed(n int, seed int64) []clientstate.State {
	return fromMock(s.m.SeedClients(n, seed))
}

// Add stores client states as given (a client ID already stored is
// replaced). An Extra value that is not JSON is a
// *iotclient.ValidationError and nothing is stored.
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
				if err := stdjson.Unmarshal(v, &x); err != nil {
					return invalid.Field("State.Extra["+k+"]", string(v), "is not JSON")
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

// AddLogs stores connection-log entries for a device (registering the
// device even with no entries). An entry without a time is a
// *iotclient.ValidationError and nothing is stored.
func (s *Server) AddLogs(typeID, deviceID string, entries ...clientstate.LogEntry) error {
	m := make([]mockserver.LogEntry, len(entries))
	for i, e := range entries {
		if e.Time.IsZero() {
			return invalid.Field("LogEntry["+strconv.Itoa(i)+"].Time", "", "is required")
		}
		m[i] = mockserver.LogEntry{Time: e.Time, Message: e.Message}
	}
	s.m.AddConnectionLogs(typeID, deviceID, m...)
	return nil
}

// HonorLogLimit makes the connection-log route apply LogQuery.Limit (1 to
// 20, default 20) when on, so a log is read in pages by offset. By
// default the fake ignores the limit and answers the whole log at once:
// whether the platform applies it is unconfirmed, and the SDK reads
// either answer.
func (s *Server) HonorLogLimit(on bool) { s.m.HonorConnectionLogLimit(on) }

// SeedLogs adds n realistic connection-log entries for a device, 1 second
// to 7 days before the reference time (Now), and returns them newest
// first.
func (s *Server) SeedLogs(typeID, deviceID string, n int, seed int64) []clientstate.LogEntry {
	return logsFromMock(s.m.SeedConnectionLogs(typeID, deviceID, n, seed))
}

// Logs returns a device's connection log as the fake holds it, newest
// first.
func (s *Server) Logs(typeID, deviceID string) []clientstate.LogEntry {
	return logsFromMock(s.m.ConnectionLogs(typeID, deviceID))
}

// fromMock converts the fake's records, whose times are already as the
// platform reports them (UTC, milliseconds), to what the SDK decodes.
func fromMock(in []mockserver.ClientState) []clientstate.State {
	out := make([]clientstate.State, len(in))
	for i, c := range in {
		st := clientstate.State{
			ClientID: c.ClientID, ClientType: clientstate.ClientType(c.ClientType),
			Status:        clientstate.ConnectionStatus(c.ConnectionStatus),
			LastConnected: c.LastConnect, LastDisconnected: c.LastDisconnect, LastActivity: c.LastActivity,
			LastActivityEvent: clientstate.ActivityEvent(c.LastActivityEvent), Protocol: c.Protocol,
			DisconnectedBy:       clientstate.DisconnectedBy(c.DisconnectedBy),
			DisconnectReasonCode: c.DisconnectReasonCode,
			// The fake leaves a zero code out, as it does any zero field.
			HasDisconnectReasonCode: c.DisconnectReasonCode != 0,
		}
		if len(c.Extra) > 0 {
			st.Extra = make(map[string]stdjson.RawMessage, len(c.Extra))
			for k, v := range c.Extra {
				b, _ := json.Marshal(v, json.Deterministic(true)) // values came from JSON-able seeds or Add
				st.Extra[k] = b
			}
		}
		out[i] = st
	}
	return out
}

// logsFromMock converts connection-log entries to what the SDK decodes.
func logsFromMock(in []mockserver.LogEntry) []clientstate.LogEntry {
	out := make([]clientstate.LogEntry, len(in))
	for i, e := range in {
		out[i] = clientstate.LogEntry{Time: e.Time, Message: e.Message}
	}
	return out
}
