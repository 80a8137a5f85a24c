// Package commandstest runs a fake Huawei IoTDA command API in-process, for
// testing code that uses package commands, in the spirit of
// net/http/httptest: start a Server, seed it with devices and commands,
// inject faults, and get a *commands.Client configured for it.
//
// The fake serves real HTTP on a loopback address (routes /v5/iot/... and
// /v3/auth/tokens) with the platform's semantics: descending IDs,
// exclusive markers, offsets, every filter, the IoTDA error bodies, and
// AK/SK signature verification with the platform's algorithm.
//
// Seeded commands are placed before the server's reference time (Now), so
// commands.HistoryQuery{Since: time.Now().Add(-48 * time.Hour)} finds the
// recent ones; Server.Seed gives the exact windows.
package commandstest

import (
	"cmp"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Credentials the fake accepts; Config signs with the AK/SK pair.
const (
	// ProjectID is the only project the fake serves; any other is
	// answered with 403.
	ProjectID string = "0123456789abcdef0123456789abcdef"
	// AccessKey is the access key ID whose AK/SK signatures are accepted.
	AccessKey string = "MOCKAK0123456789ABCD"
	// SecretKey is the secret key that belongs to AccessKey.
	SecretKey string = "mockSecretKey0123456789abcdefghijklmnop"
	// Token is an X-Auth-Token accepted on every route; it never expires.
	Token string = "mock-iam-token-0001"

	// IAMDomain, IAMUser and IAMPassword are the account, user and
	// password the fake's IAM token call accepts: see IAMConfig.
	IAMDomain   string = "mock-domain"
	IAMUser     string = "mock-user"
	IAMPassword string = "mock-password-0001"
)

// Fault is one injected failure; a Status answer carries an IoTDA error
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

type options struct {
	now       time.Time
	lifecycle *Lifecycle
}

// WithNow sets the server's reference time (default: when NewServer is
// called), so seeded data is the same from run to run, times included. The
// fake still checks signatures and stamps new commands with the real clock.
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
	m := mockserver.New(mo...)
	return &Server{Fake: m.Public(), m: m}
}

// Config returns a configuration that reaches the fake, signing with its
// AK/SK pair.
func (s *Server) Config() commands.Config {
	return commands.Config{Endpoint: s.m.URL(), ProjectID: ProjectID, Auth: auth.AKSK(AccessKey, SecretKey)}
}

// IAMConfig is an IAM login against the fake, for
// auth.IAMPassword(srv.IAMConfig(), IAMPassword).
func (s *Server) IAMConfig() auth.IAMConfig {
	return auth.IAMConfig{Endpoint: s.m.URL(), Domain: IAMDomain, User: IAMUser, Project: "cn-north-4"}
}

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*commands.Client, error) {
	return commands.NewClient(s.Config(), opts...)
}
