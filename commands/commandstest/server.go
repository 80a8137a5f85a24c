// Package commandstest runs a fake Huawei IoTDA command API in-process, for
// testing code that uses package commands, in the spirit of
// net/http/httptest: start a Server, seed it with devices and commands,
// inject faults, and get a *commands.Client configured for it.
//
// The fake serves HTTP (routes /v5/iot/... and /v3/auth/tokens) with the
// platform's semantics: descending IDs, exclusive markers, offsets, every
// filter, the IoTDA error bodies, and AK/SK signature verification with
// the platform's algorithm. NewClient's client reaches it in memory, so a
// test can run in a testing/synctest bubble (see package iotclienttest);
// URL and Config reach it on a loopback address.
//
// Seeded commands are placed before the server's reference time (Now), so
// commands.HistoryQuery{Since: time.Now().Add(-48 * time.Hour)} finds the
// recent ones; Server.Seed gives the exact windows.
//
// Given a receiver's URL (WithPush, Server.PushTo) the fake also pushes
// what IoTDA's data forwarding pushes over HTTP: a device.command.status
// document for every status change of a command, with faults (PushFaults)
// for the duplicates, reordering, losses and outage bursts of an
// at-least-once channel; Server.Gets tells which commands a client polled.
package commandstest

import (
	stdjson "encoding/json"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Credentials the fake accepts; Config signs with the AK/SK pair.
const (
	// ProjectID is the only project the fake serves; any other is
	// answered with 403.
	ProjectID string = mockserver.ProjectID
	// AccessKey is the access key ID whose AK/SK signatures are accepted.
	AccessKey string = mockserver.AccessKey
	// SecretKey is the secret key that belongs to AccessKey.
	SecretKey string = mockserver.SecretKey
	// Token is accepted on every route as auth.Token; it never expires.
	Token string = mockserver.Token

	// IAMDomain, IAMUser and IAMPassword are the account, user and
	// password the fake's IAM token call accepts: see IAMConfig.
	IAMDomain   string = mockserver.IAMDomain
	IAMUser     string = mockserver.IAMUser
	IAMPassword string = mockserver.IAMPassword
)

// Server is a running fake. Close it when done. All methods are safe for
// concurrent use.
type Server struct {
	iotclienttest.Fake // address, in-memory client, request count, faults
	m                  *mockserver.Server
}

// Option configures a Server built by NewServer: WithNow, WithLifecycle.
// It follows iotclient.Option's idiom: an interface whose method takes an
// internal type, so only this package provides one; a nil Option changes
// nothing.
type Option interface {
	// Apply adds the option to the fake's settings. Only the SDK calls
	// it: its argument's type is internal.
	Apply(*mockserver.FakeSettings)
}

// WithNow sets the server's reference time (default: when NewServer is
// called), so seeded data is the same from run to run, times included. The
// fake still checks signatures and stamps new commands with the real clock.
func WithNow(t time.Time) Option { return mockserver.WithReferenceTime(t) }

// NewServer starts a fake with no devices. It opens no socket until URL,
// Config or IAMConfig is called (then on 127.0.0.1 and a random port).
func NewServer(opts ...Option) *Server {
	m := mockserver.NewFake(opts)
	return &Server{Fake: m.Fake(), m: m}
}

// Config returns a configuration that reaches the fake on its loopback
// address (see URL), signing with its AK/SK pair.
func (s *Server) Config() commands.Config { return s.config(s.m.URL()) }

func (s *Server) config(endpoint string) commands.Config {
	return commands.Config{Endpoint: endpoint, ProjectID: ProjectID, Auth: auth.AKSK(AccessKey, SecretKey)}
}

// IAMConfig is an IAM login against the fake on its loopback address, for
// auth.IAMPassword(srv.IAMConfig(), IAMPassword).
func (s *Server) IAMConfig() auth.IAMConfig {
	return auth.IAMConfig{Endpoint: s.m.URL(), Domain: IAMDomain, User: IAMUser, Project: "cn-north-4"}
}

// NewClient returns a client that reaches the fake in memory (Client), as
// Config does over its loopback address, and works in a testing/synctest
// bubble. Give WithHTTPClient a client of your own whose transport wraps
// Client's to watch the requests: a transport of its own reaches nothing.
func (s *Server) NewClient(opts ...iotclient.Option) (*commands.Client, error) {
	return mockserver.FakeClient(s.m, s.config, commands.NewClient, opts)
}

// AddDevice registers a device with no commands.
func (s *Server) AddDevice(deviceID string) { s.m.AddDevice(deviceID) }

// Seed adds n realistic commands to deviceID and returns them newest
// first: every status, service and strategy, the same for the same seed
// and reference time (Now). Created times, in whole seconds, lie before
// Now:
//
//   - PENDING, SENT and DELIVERED: 5 minutes to 20 hours before;
//   - SUCCESSFUL, FAILED and TIMEOUT: 2 hours to 30 days before;
//   - EXPIRED: 3 to 30 days before.
//
// The history holds the DELIVERED and final commands (as the platform's
// does); PENDING and SENT ones are still cached and listed by Queue. So
// HistoryQuery{Since: time.Now().Add(-48 * time.Hour)} finds the DELIVERED
// commands and the final ones of the last two days.
func (s *Server) Seed(deviceID string, n int, seed int64) []commands.Command {
	return fromMock(s.m.SeedCommands(deviceID, n, seed))
}

// Add stores commands for deviceID as given; a larger ID is newer (IoTDA's
// are 24-hex object IDs). An empty ID gets one larger than any stored, an
// empty CreatedAt the current time. Params or Result that is not JSON, or
// a negative Expire, is a *iotclient.ValidationError naming the command,
// and nothing is stored.
func (s *Server) Add(deviceID string, cmds ...commands.Command) error {
	m := make([]mockserver.Command, len(cmds))
	for i, c := range cmds {
		field := "Command[" + strconv.Itoa(i) + "]"
		switch {
		case len(c.Params) > 0 && !stdjson.Valid(c.Params):
			return invalid.Field(field+".Params", string(c.Params), "is not JSON")
		case len(c.Result) > 0 && !stdjson.Valid(c.Result):
			return invalid.Field(field+".Result", string(c.Result), "is not JSON")
		case c.Expire < 0:
			return invalid.Field(field+".Expire", c.Expire.String(), "must not be negative")
		}
		m[i] = mockserver.Command{
			ID: c.ID, DeviceID: deviceID, ServiceID: c.ServiceID, Name: c.Name, Status: string(c.Status),
			ExpireSeconds: int(c.Expire / time.Second), SendStrategy: string(c.SendStrategy),
			Created: c.CreatedAt, Sent: c.SentAt, Delivered: c.DeliveredAt, Responded: c.RespondedAt,
			Paras: jsontext.Value(c.Params), Result: jsontext.Value(c.Result),
		}
	}
	s.m.AddCommands(deviceID, m...)
	return nil
}

// Commands returns what the fake holds for deviceID, newest first.
func (s *Server) Commands(deviceID string) []commands.Command {
	return fromMock(s.m.Commands(deviceID))
}

// SetStatus moves a command to status, with the device's result (may be
// nil). A fake that pushes (WithPush) pushes the change; setting the
// status the command already has pushes nothing.
func (s *Server) SetStatus(deviceID, commandID string, status commands.Status, result stdjson.RawMessage) error {
	return s.m.SetCommandStatus(deviceID, commandID, string(status), jsontext.Value(result))
}

// fromMock converts the fake's commands, whose times are already UTC, in
// whole seconds, as the platform reports them.
func fromMock(in []mockserver.Command) []commands.Command {
	out := make([]commands.Command, len(in))
	for i, c := range in {
		out[i] = commands.Command{
			ID: c.ID, DeviceID: c.DeviceID, ServiceID: c.ServiceID, Name: c.Name,
			Status: commands.Status(c.Status), SendStrategy: commands.SendStrategy(c.SendStrategy),
			Expire:    time.Duration(c.ExpireSeconds) * time.Second,
			CreatedAt: c.Created, SentAt: c.Sent, DeliveredAt: c.Delivered, RespondedAt: c.Responded,
			Params: stdjson.RawMessage(c.Paras), Result: stdjson.RawMessage(c.Result),
		}
	}
	return out
}

// Lifecycle makes the commands the fake creates progress on their own,
// as a device would answer them (see WithLifecycle). Zero durations take
// the defaults shown.
type Lifecycle struct {
	// SendAfter is how long a delay command stays PENDING before it is
	// SENT (default 10s). It expires instead when its Expire comes first.
	SendAfter time.Duration
	// DeliverAfter is how long a command stays SENT before it is
	// DELIVERED (default 1s).
	DeliverAfter time.Duration
	// RespondAfter is how long a command stays DELIVERED before the
	// device answers: SUCCESSFUL or FAILED, with a result (default 2s).
	RespondAfter time.Duration
	// TimeoutAfter is how long after it was sent a command whose outcome
	// is TIMEOUT times out (default 30s).
	TimeoutAfter time.Duration
	// Outcomes maps a command name to its final status: StatusSuccessful,
	// StatusFailed, StatusTimeout or StatusExpired. Names not listed end
	// SUCCESSFUL.
	Outcomes map[string]commands.Status
}

// WithLifecycle makes the commands created through the API (Create) or
// Add without an ID move through their statuses as the real clock passes:
// PENDING, SENT, DELIVERED, then their outcome, brought up to date
// whenever a request arrives (so Wait sees each step) and, on a fake that
// pushes (WithPush), every 50 ms as well. Seeded commands and
// those added with an ID never change. NewServer panics on an outcome
// other than the four final statuses.
func WithLifecycle(l Lifecycle) Option {
	outcomes := make(map[string]string, len(l.Outcomes))
	for name, st := range l.Outcomes {
		outcomes[name] = string(st)
	}
	return mockserver.WithLifecycle(mockserver.Lifecycle{
		SendAfter: l.SendAfter, DeliverAfter: l.DeliverAfter,
		RespondAfter: l.RespondAfter, TimeoutAfter: l.TimeoutAfter, Outcomes: outcomes,
	})
}
