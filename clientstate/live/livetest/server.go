// Package livetest runs a fake IBM Watson IoT Platform in-process for
// testing code that uses package live (and clientstate): the client
// connection state REST API and an MQTT broker on loopback publishing the
// status messages of a simulated fleet, in the spirit of net/http/httptest.
//
// Seed a clientstatetest.Server with a fleet, start a Server on it, get a
// live.Config (LiveConfig) and a clientstate.Config (Config), and move the fleet
// with Connect, Disconnect, FailedConnect, Flap or Simulate: each change
// updates the REST state and publishes the status message in one step, so
// both views always agree. DropConnections and RefuseConnections simulate
// a failing broker.
package livetest

import (
	"fmt"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// Server is a running fake: a clientstatetest.Server for the REST API,
// whose methods it has (Seed, Add, States, Config, NewClient, faults,
// connection logs, and its credentials), and an MQTT broker publishing the
// status of its fleet. Close it when done. All methods are safe for
// concurrent use.
//
// Clients stored once the broker runs (Seed, Add) have no retained status
// message until their first transition, and SetStatus changes the REST
// state alone: move the fleet with Connect and Disconnect to publish it.
type Server struct {
	*clientstatetest.Server

	b     *mockbroker.Broker
	simMu sync.Mutex
	stops []func()
}

// NewServer starts an MQTT broker on loopback (plain TCP) for the fleet of
// rest, which publishes the retained status of each stored device and
// gateway that has a time for its current status: seed rest first. The
// broker accepts clientstatetest.APIKey and application client IDs of
// clientstatetest.OrgID (a:ab12cd:{appId}), and stamps the transitions it
// simulates with the real clock. It fails when the broker cannot listen.
func NewServer(rest *clientstatetest.Server) (*Server, error) {
	// The REST fake's handler is the fake itself, which the broker
	// shares so that both views agree.
	b, err := mockbroker.Start(rest.Handler().(*mockserver.Server))
	if err != nil {
		return nil, fmt.Errorf("livetest: %w", err)
	}
	return &Server{Server: rest, b: b}, nil
}

// Close stops any simulation, the broker and the REST fake.
func (s *Server) Close() {
	s.simMu.Lock()
	stops := s.stops
	s.stops = nil
	s.simMu.Unlock()
	for _, stop := range stops {
		stop()
	}
	s.b.Close()
	s.Server.Close()
}

// BrokerURL is the broker's address, for live.Config.Broker:
// "tcp://127.0.0.1:port".
func (s *Server) BrokerURL() string { return s.b.Addr() }

// LiveConfig returns a monitor configuration that reaches the broker,
// watching every device, and reconnecting quickly (100ms, at most 1s
// apart) as a test wants. Set AppID, Subscriptions or OnConnect on it as
// needed.
func (s *Server) LiveConfig() live.Config {
	return live.Config{
		OrgID: clientstatetest.OrgID, Broker: s.b.Addr(),
		Auth:          auth.APIKey(clientstatetest.APIKey, clientstatetest.APIToken),
		ReconnectWait: 100 * time.Millisecond, MaxReconnectWait: time.Second,
	}
}

// NewMonitor returns a monitor for the broker (see LiveConfig).
func (s *Server) NewMonitor(opts ...iotclient.Option) (*live.Monitor, error) {
	return live.NewMonitor(s.LiveConfig(), opts...)
}
