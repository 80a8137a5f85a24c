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
//
// # Time
//
// Seeded clients and logs are placed before the server's reference time:
// the moment NewServer was called (whole seconds, UTC), or the time given
// with WithNow. So a filter relative to the current time finds the recent
// seeded records. See Server.Seed and Server.SeedLogs for the exact
// windows.
package clientstatetest

import (
	"cmp"
	"net/http"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Credentials the fake accepts; Config uses them.
const (
	// OrgID is the organization the fake serves; seeded client IDs are
	// of this organization (d:ab12cd:{type}:{device}, ...).
	OrgID string = "ab12cd"
	// APIKey is the API key accepted as the HTTP Basic user name. It has
	// the form a-{org}-{random}, so the organization can be read from it.
	APIKey string = "a-ab12cd-mockkey001"
	// APIToken is the auth token that belongs to APIKey (the HTTP Basic
	// password).
	APIToken string = "mock-auth-token-0001"
)

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct{ m *mockserver.Server }

// Option configures a Server built by NewServer.
type Option func(*options)

type options struct{ now time.Time }

// WithNow sets the server's reference time, the instant seeded clients and
// logs are placed before (default: when NewServer is called). A fixed time
// makes seeded data identical from run to run, times included.
func WithNow(t time.Time) Option { return func(o *options) { o.now = t } }

// NewServer starts a fake with no clients on 127.0.0.1 and a random port;
// the client connection state API starts activated.
func NewServer(opts ...Option) *Server {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return &Server{m: mockserver.New(mockserver.WithReferenceTime(cmp.Or(o.now, time.Now())))}
}

// Close stops the server and waits for requests in progress.
func (s *Server) Close() { s.m.Close() }

// URL is the server's base URL, for clientstate.Config.BaseURL.
func (s *Server) URL() string { return s.m.URL() }

// Now is the server's reference time (see WithNow).
func (s *Server) Now() time.Time { return s.m.ReferenceTime() }

// Config returns a configuration that reaches the fake with its API key.
func (s *Server) Config() clientstate.Config {
	return clientstate.Config{BaseURL: s.m.URL(), Auth: auth.APIKey(APIKey, APIToken)}
}

// Handler is the fake's HTTP handler, to serve it on an address of your
// choosing as well (the routes are /api/v0002/...).
func (s *Server) Handler() http.Handler { return s.m }

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*clientstate.Client, error) {
	return clientstate.NewClient(s.Config(), opts...)
}

// Requests counts the requests the server has received.
func (s *Server) Requests() int { return s.m.Requests(mockserver.RouteAll) }
