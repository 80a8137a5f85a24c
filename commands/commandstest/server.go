// Package commandstest runs a fake Huawei IoTDA command API in-process, for
// testing code that uses package commands, in the spirit of
// net/http/httptest: start a Server, seed it with devices and commands,
// inject faults, and get a *commands.Client configured for it.
//
// The fake serves real HTTP on a loopback address with the platform's
// semantics: descending IDs, exclusive markers, offsets, every filter, the
// IoTDA error bodies, and AK/SK signature verification with the same
// algorithm as the platform.
//
// # Time
//
// Seeded commands are placed before the server's reference time: the
// moment NewServer was called (whole seconds, UTC), or the time given with
// WithNow. So a filter relative to the current time, such as
// commands.HistoryQuery{Since: time.Now().Add(-48 * time.Hour)}, finds the
// recent seeded commands. See Server.Seed for the exact windows.
package commandstest

import (
	"cmp"
	"net/http"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Credentials the fake accepts; Config signs with the AK/SK pair.
const (
	// ProjectID is the only project the fake serves; any other project ID
	// in the path is answered with 403.
	ProjectID string = "0123456789abcdef0123456789abcdef"
	// AccessKey is the access key ID whose AK/SK signatures are accepted.
	AccessKey string = "MOCKAK0123456789ABCD"
	// SecretKey is the secret key that belongs to AccessKey.
	SecretKey string = "mockSecretKey0123456789abcdefghijklmnop"
	// Token is an X-Auth-Token the fake accepts on every route; it never
	// expires (use it with auth.Token).
	Token string = "mock-iam-token-0001"

	// IAMDomain, IAMUser and IAMPassword are the account, user and
	// password the fake's IAM token call (POST {URL}/v3/auth/tokens)
	// accepts: see IAMConfig.
	IAMDomain   string = "mock-domain"
	IAMUser     string = "mock-user"
	IAMPassword string = "mock-password-0001"
)

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct{ m *mockserver.Server }

// Option configures a Server built by NewServer.
type Option func(*options)

type options struct {
	now       time.Time
	lifecycle *Lifecycle
}

// WithNow sets the server's reference time, the instant seeded commands are
// placed before (default: when NewServer is called). A fixed time makes
// seeded data identical from run to run, times included. The fake still
// checks request signatures and stamps new commands with the real clock.
func WithNow(t time.Time) Option { return func(o *options) { o.now = t } }

// NewServer starts a fake with no devices on 127.0.0.1 and a random port.
func NewServer(opts ...Option) *Server {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	mo := []mockserver.Option{mockserver.WithReferenceTime(cmp.Or(o.now, time.Now()))}
	if o.lifecycle != nil {
		mo = append(mo, o.lifecycle.mock())
	}
	return &Server{m: mockserver.New(mo...)}
}

// Close stops the server and waits for requests in progress.
func (s *Server) Close() { s.m.Close() }

// URL is the server's base URL, for commands.Config.Endpoint.
func (s *Server) URL() string { return s.m.URL() }

// Now is the server's reference time (see WithNow).
func (s *Server) Now() time.Time { return s.m.ReferenceTime() }

// Config returns a configuration that reaches the fake, signing with its
// AK/SK pair.
func (s *Server) Config() commands.Config {
	return commands.Config{
		Endpoint:  s.m.URL(),
		ProjectID: ProjectID,
		Auth:      auth.AKSK(AccessKey, SecretKey),
	}
}

// IAMConfig is an IAM login against the fake's token call, for
// auth.IAMPassword(srv.IAMConfig(), IAMPassword): the client logs in as
// IAMUser and signs requests with the token it gets.
func (s *Server) IAMConfig() auth.IAMConfig {
	return auth.IAMConfig{Endpoint: s.m.URL(), Domain: IAMDomain, User: IAMUser, Project: "cn-north-4"}
}

// Handler is the fake's HTTP handler, to serve it on an address of your
// choosing as well (the routes are /v5/iot/... and /v3/auth/tokens).
func (s *Server) Handler() http.Handler { return s.m }

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*commands.Client, error) {
	return commands.NewClient(s.Config(), opts...)
}

// Requests counts the requests the server has received.
func (s *Server) Requests() int { return s.m.Requests(mockserver.RouteAll) }
