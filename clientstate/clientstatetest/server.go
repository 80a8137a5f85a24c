// Package clientstatetest runs a fake IBM Watson IoT Platform client
// connection state API in-process, for testing code that uses package
// clientstate, in the spirit of net/http/httptest: start a Server, seed it
// with clients and connection logs, inject faults, and get a
// *clientstate.Client configured for it.
//
// The fake serves real HTTP on a loopback address (routes /api/v0002/...)
// with the platform's semantics: opaque bookmarks, every filter and sort,
// HTTP Basic auth, IBM error bodies, 403 while the feature is deactivated,
// and connection logs paged by offset.
//
// Seeded clients and logs are placed before the server's reference time
// (Now), so a filter relative to the current time finds the recent ones;
// Server.Seed and Server.SeedLogs give the exact windows.
package clientstatetest

import (
	"cmp"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Credentials the fake accepts; Config uses them.
const (
	// OrgID is the organization the fake serves; seeded client IDs are
	// of this organization (d:ab12cd:{type}:{device}, ...).
	OrgID string = "ab12cd"
	// APIKey is the HTTP Basic user name accepted, of the form
	// a-{org}-{random}.
	APIKey string = "a-ab12cd-mockkey001"
	// APIToken is the auth token of APIKey (the HTTP Basic password).
	APIToken string = "mock-auth-token-0001"
)

// Fault is one injected failure; a Status answer carries an IBM error
// body. See iotclienttest.Fault for its fields.
type Fault = iotclienttest.Fault

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct {
	iotclienttest.Fake // Close, URL, Now, Handler, Requests and the faults

	m *mockserver.Server
}

// Option configures a Server built by NewServer.
type Option func(*options)

type options struct{ now time.Time }

// WithNow sets the server's reference time (default: when NewServer is
// called), so seeded data is the same from run to run, times included.
func WithNow(t time.Time) Option { return func(o *options) { o.now = t } }

// NewServer starts a fake with no clients on 127.0.0.1 and a random port;
// the client connection state API starts activated.
func NewServer(opts ...Option) *Server {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	m := mockserver.New(mockserver.WithReferenceTime(cmp.Or(o.now, time.Now())))
	return &Server{Fake: m.Public(), m: m}
}

// Config returns a configuration that reaches the fake with its API key.
func (s *Server) Config() clientstate.Config {
	return clientstate.Config{BaseURL: s.m.URL(), Auth: auth.APIKey(APIKey, APIToken)}
}

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*clientstate.Client, error) {
	return clientstate.NewClient(s.Config(), opts...)
}
