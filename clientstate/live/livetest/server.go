// Package livetest runs a fake IBM Watson IoT Platform in-process for
// testing code that uses package live (and clientstate): the client
// connection state REST API of a clientstatetest.Server, and an MQTT
// broker on loopback publishing the status messages of its fleet.
//
// Seed the clientstatetest.Server, start a Server on it, and move the
// fleet with Connect, Disconnect, FailedConnect, Flap or Simulate: each
// change updates the REST state and publishes the status message in one
// step, so both views agree.
//
// The broker listens on a real loopback socket, so a Server does not work
// inside a testing/synctest bubble (its REST fake alone does: see package
// iotclienttest).
package livetest

import (
	"context"
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

// Server is a running fake: the clientstatetest.Server it was started on,
// whose methods it has, and an MQTT broker. Close it when done. All
// methods are safe for concurrent use.
//
// Clients stored once the broker runs have no retained status message
// until their first transition, and SetStatus changes the REST state
// alone: move the fleet with Connect and Disconnect to publish it.
type Server struct {
	*clientstatetest.Server

	b        *mockbroker.Broker
	sims     sync.WaitGroup
	simCtx   context.Context // ends every simulation when Close cancels it
	stopSims context.CancelFunc
}

// NewServer starts an MQTT broker on loopback (plain TCP) that publishes
// the retained status of each device and gateway of rest with a time for
// its current status: seed rest first. The broker accepts
// clientstatetest.APIKey as application a:{OrgID}:{appId}, and stamps the
// transitions it simulates with the real clock.
func NewServer(rest *clientstatetest.Server) (*Server, error) {
	// The broker shares the REST fake itself, so that both views agree.
	b, err := mockbroker.Start(rest.Handler().(*mockserver.Server))
	if err != nil {
		return nil, fmt.Errorf("livetest: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{Server: rest, b: b, simCtx: ctx, stopSims: cancel}, nil
}

// Close stops any simulation, the broker and the REST fake.
func (s *Server) Close() {
	s.stopSims()
	s.sims.Wait()
	s.b.Close()
	s.Server.Close()
}

// BrokerURL is the broker's address, "tcp://127.0.0.1:port".
func (s *Server) BrokerURL() string { return s.b.Addr() }

// LiveConfig returns a monitor configuration that reaches the broker,
// watches every device, and reconnects quickly (100ms, at most 1s apart).
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

// Connect connects the stored device or gateway clientID: its REST state
// becomes connected and a retained Connect is published.
func (s *Server) Connect(clientID string) error {
	_, err := s.b.Connect(clientID)
	return err
}

// Disconnect ends the connection of the connected device or gateway
// clientID with closeCode (0 normal, 91 by the client, 160 keepalive
// timeout, ...): its REST state becomes disconnected and a retained
// Disconnect is published. Code 288 (client ID reused) leaves it
// connected, as on the platform.
func (s *Server) Disconnect(clientID string, closeCode int) error {
	_, err := s.b.Disconnect(clientID, closeCode)
	return err
}

// FailedConnect publishes a refused connection attempt of clientID (close
// code 180), not retained; the REST state does not change.
func (s *Server) FailedConnect(clientID string) error {
	_, err := s.b.FailedConnect(clientID)
	return err
}

// Flap makes n random transitions of the stored devices and gateways, the
// same for a seed: a connected one disconnects (sometimes with 288), a
// disconnected one connects or, one time in eight, fails to. It returns
// how many were published, and fails when none is stored.
func (s *Server) Flap(seed int64, n int) (int, error) {
	trs, err := s.b.Flap(seed, n)
	return len(trs), err
}

// Simulate makes one random transition (see Flap) every interval until
// stop is called or the server closes. stop waits for the simulation to
// end; calling it twice is harmless.
func (s *Server) Simulate(interval time.Duration) (stop func()) {
	return s.every(interval, func(step int) error {
		_, err := s.b.Flap(int64(step)+1, 1)
		return err
	})
}

// SimulateFlapping puts the stored device clientID in a reconnect loop, as
// live.Tracker.Flapping finds: every interval it connects if disconnected,
// else drops, in turn kicked off twice by a reused client ID (close code
// 288, so it stays connected) and then timed out (160). stop is as for
// Simulate.
func (s *Server) SimulateFlapping(clientID string, interval time.Duration) (stop func()) {
	return s.every(interval, func(step int) error {
		_, err := s.b.FlapDevice(clientID, step)
		return err
	})
}

// every runs step(0), step(1), ... once an interval until stopped, the
// server closes or step fails (no such client, or the broker closed).
func (s *Server) every(interval time.Duration, step func(int) error) (stop func()) {
	ctx, cancel := context.WithCancel(s.simCtx)
	done := make(chan struct{})
	s.sims.Go(func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if step(n) != nil {
					return
				}
			}
		}
	})
	return func() { cancel(); <-done }
}

// DropConnections closes every MQTT connection without a DISCONNECT, as a
// network failure would, and returns how many it closed.
func (s *Server) DropConnections() int { return s.b.DropClients() }

// RefuseConnections makes the broker refuse new connections (CONNACK
// "server unavailable") while refuse is true; open connections stay.
func (s *Server) RefuseConnections(refuse bool) { s.b.RefuseConnections(refuse) }

// RefuseProtocol makes the broker refuse new connections with CONNACK
// "unacceptable protocol version" while refuse is true, as a broker that
// does not take MQTT 3.1.1.
func (s *Server) RefuseProtocol(refuse bool) { s.b.RefuseProtocol(refuse) }

// PublishRaw publishes payload on topic as the platform would, with no
// check and no change to the REST state: a way to send a monitor a
// malformed or oversize status message.
func (s *Server) PublishRaw(topic string, payload []byte, retained bool) error {
	return s.b.PublishRaw(topic, payload, retained)
}

// Connections reports how many MQTT connections the broker has accepted,
// reconnects included.
func (s *Server) Connections() int { return s.b.Connections() }
