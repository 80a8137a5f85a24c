// Package commandstest runs a fake Huawei IoTDA command API in-process, for
// testing code that uses package commands, in the spirit of
// net/http/httptest: start a Server, seed it with devices and commands,
// inject faults, and get a *commands.Client configured for it.
//
// The fake serves real HTTP on a loopback address with the platform's
// semantics: descending IDs, exclusive markers, offsets, every filter, the
// IoTDA error bodies, and AK/SK signature verification with the same
// algorithm as the platform.
package commandstest

import (
	"encoding/json"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Fault is one injected failure: an error status (with Retry-After), a
// dropped connection, a truncated body or malformed JSON. Exactly one
// behaviour applies, checked in the order Drop, Truncate, Malformed, Status.
type Fault = mockserver.Fault

// Credentials the fake accepts; Config uses the AK/SK pair.
const (
	ProjectID = mockserver.ProjectID
	AccessKey = mockserver.AccessKey
	SecretKey = mockserver.SecretKey
	Token     = mockserver.Token
)

// Server is a running fake. Close it when done.
type Server struct {
	m *mockserver.Server
}

// NewServer starts a fake with no devices.
func NewServer() *Server { return &Server{m: mockserver.New()} }

// Close stops the server.
func (s *Server) Close() { s.m.Close() }

// URL is the server's base URL, for commands.Config.Endpoint.
func (s *Server) URL() string { return s.m.URL() }

// Config returns a configuration that reaches the fake, signing with its
// AK/SK pair.
func (s *Server) Config() commands.Config {
	return commands.Config{
		Endpoint:  s.m.URL(),
		ProjectID: ProjectID,
		Auth:      auth.AKSK(AccessKey, SecretKey),
	}
}

// NewClient returns a client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*commands.Client, error) {
	return commands.NewClient(s.Config(), opts...)
}

// AddDevice registers a device with no commands.
func (s *Server) AddDevice(deviceID string) { s.m.AddDevice(deviceID) }

// Seed adds n realistic commands to deviceID (a mix of every status,
// service and strategy over the 30 days before a fixed reference time),
// the same for the same seed, and returns them newest first.
func (s *Server) Seed(deviceID string, n int, seed int64) []commands.Command {
	return fromMock(s.m.SeedCommands(deviceID, n, seed))
}

// Add stores commands for deviceID as given. Their IDs order them: a larger
// ID is newer (IoTDA uses 24-hex object IDs).
func (s *Server) Add(deviceID string, cmds ...commands.Command) {
	m := make([]mockserver.Command, len(cmds))
	for i, c := range cmds {
		m[i] = mockserver.Command{
			ID: c.ID, DeviceID: deviceID, ServiceID: c.ServiceID, Name: c.Name, Status: string(c.Status),
			ExpireSeconds: int(c.Expire / time.Second), SendStrategy: string(c.SendStrategy),
			Created: c.CreatedAt, Sent: c.SentAt, Delivered: c.DeliveredAt, Responded: c.RespondedAt,
			Paras: c.Params, Result: c.Result,
		}
	}
	s.m.AddCommands(deviceID, m...)
}

// Commands returns what the fake holds for deviceID, newest first.
func (s *Server) Commands(deviceID string) []commands.Command {
	return fromMock(s.m.Commands(deviceID))
}

// SetStatus moves a command to status, with the device's result (may be
// nil).
func (s *Server) SetStatus(deviceID, commandID string, status commands.Status, result json.RawMessage) error {
	return s.m.SetCommandStatus(deviceID, commandID, string(status), result)
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

func fromMock(in []mockserver.Command) []commands.Command {
	out := make([]commands.Command, len(in))
	for i, c := range in {
		out[i] = commands.Command{
			ID: c.ID, DeviceID: c.DeviceID, ServiceID: c.ServiceID, Name: c.Name,
			Status: commands.Status(c.Status), SendStrategy: commands.SendStrategy(c.SendStrategy),
			Expire:    time.Duration(c.ExpireSeconds) * time.Second,
			CreatedAt: utcSecond(c.Created), SentAt: utcSecond(c.Sent),
			DeliveredAt: utcSecond(c.Delivered), RespondedAt: utcSecond(c.Responded),
			Params: c.Paras, Result: c.Result,
		}
	}
	return out
}

// utcSecond is a time as the platform reports it: UTC, whole seconds.
func utcSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}
