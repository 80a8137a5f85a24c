// Package livetest runs a fake IBM Watson IoT Platform in-process for
// testing code that uses package live (and clientstate): the client
// connection state REST API and an MQTT broker on loopback publishing the
// status messages of a simulated fleet, in the spirit of net/http/httptest.
//
// Start a Server with its fleet (WithSeed, WithStates), get a live.Config
// (LiveConfig) and a clientstate.Config (Config) for it, and move the fleet
// with Connect, Disconnect, FailedConnect, Flap or Simulate: each change
// updates the REST state and publishes the status message in one step, so
// both views always agree. DropConnections and RefuseConnections simulate
// a failing broker.
//
// Seeded data is placed before the server's reference time, the moment
// NewServer was called unless WithNow says otherwise, as in
// clientstatetest.
package livetest

import (
	"fmt"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
	"github.com/iotclient/iotclient-go/internal/testfake"
)

// Credentials the fake accepts, on the REST API and the broker alike.
const (
	// OrgID is the organization the fake serves. The broker accepts only
	// application client IDs of it (a:ab12cd:{appId}).
	OrgID string = "ab12cd"
	// APIKey is the API key accepted as HTTP Basic and MQTT user name.
	APIKey string = "a-ab12cd-mockkey001"
	// APIToken is the auth token that belongs to APIKey.
	APIToken string = "mock-auth-token-0001"
)

// Server is a running fake: the REST API and the MQTT broker. Close it
// when done. All methods are safe for concurrent use.
type Server struct {
	m *mockserver.Server
	b *mockbroker.Broker

	simMu sync.Mutex
	sims  []*simulation
}

// Option configures a Server built by NewServer.
type Option func(*options)

type options struct {
	now    time.Time
	seeds  [][2]int64
	states []clientstate.State
}

// WithNow sets the server's reference time, the instant seeded clients are
// placed before (default: when NewServer is called). The broker stamps
// the transitions it simulates with the real clock.
func WithNow(t time.Time) Option { return func(o *options) { o.now = t } }

// WithSeed seeds n clients before the broker starts, as Server.Seed does,
// so the broker publishes the retained status of each device and gateway.
func WithSeed(n int, seed int64) Option {
	return func(o *options) { o.seeds = append(o.seeds, [2]int64{int64(n), seed}) }
}

// WithStates stores client states before the broker starts, as Server.Add
// does, so the broker publishes the retained status of each device and
// gateway that has a time for its current status.
func WithStates(states ...clientstate.State) Option {
	return func(o *options) { o.states = append(o.states, states...) }
}

// NewServer starts the REST fake on 127.0.0.1 with a random port, stores
// the fleet of the options, then starts the MQTT broker (plain TCP on
// loopback), which publishes the retained status of the stored devices and
// gateways. It fails when a state of WithStates is invalid (see Add) or the
// broker cannot listen.
func NewServer(opts ...Option) (*Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{m: mockserver.New(mockserver.WithReferenceTime(testfake.Now(o.now)))}
	for _, sd := range o.seeds {
		s.m.SeedClients(int(sd[0]), sd[1])
	}
	if err := s.Add(o.states...); err != nil {
		s.m.Close()
		return nil, err
	}
	b, err := mockbroker.Start(s.m)
	if err != nil {
		s.m.Close()
		return nil, fmt.Errorf("livetest: %w", err)
	}
	s.b = b
	return s, nil
}

// Close stops any simulation, the broker and the REST fake.
func (s *Server) Close() {
	s.simMu.Lock()
	sims := s.sims
	s.sims = nil
	s.simMu.Unlock()
	for _, sim := range sims {
		sim.stop()
	}
	s.b.Close()
	s.m.Close()
}

// URL is the REST API's base URL, for clientstate.Config.BaseURL.
func (s *Server) URL() string { return s.m.URL() }

// BrokerURL is the broker's address, for live.Config.Broker:
// "tcp://127.0.0.1:port".
func (s *Server) BrokerURL() string { return s.b.Addr() }

// Now is the server's reference time (see WithNow).
func (s *Server) Now() time.Time { return s.m.ReferenceTime() }

// Config returns a configuration that reaches the REST fake.
func (s *Server) Config() clientstate.Config {
	return clientstate.Config{BaseURL: s.m.URL(), Auth: auth.APIKey(APIKey, APIToken)}
}

// NewClient returns a REST client for the fake (see Config).
func (s *Server) NewClient(opts ...iotclient.Option) (*clientstate.Client, error) {
	return clientstate.NewClient(s.Config(), opts...)
}

// LiveConfig returns a monitor configuration that reaches the broker,
// watching every device, and reconnecting quickly (100ms, at most 1s
// apart) as a test wants. Set AppID, Subscriptions or OnConnect on it as
// needed.
func (s *Server) LiveConfig() live.Config {
	return live.Config{
		OrgID: OrgID, Broker: s.b.Addr(), Auth: auth.APIKey(APIKey, APIToken),
		ReconnectWait: 100 * time.Millisecond, MaxReconnectWait: time.Second,
	}
}

// NewMonitor returns a monitor for the broker (see LiveConfig).
func (s *Server) NewMonitor(opts ...iotclient.Option) (*live.Monitor, error) {
	return live.NewMonitor(s.LiveConfig(), opts...)
}

// Requests counts the requests the REST fake has received.
func (s *Server) Requests() int { return s.m.Requests(mockserver.RouteAll) }
