package livetest

import (
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/testfake"
)

// Seed adds n realistic clients, as clientstatetest.Server.Seed does, and
// returns them in ascending client ID. Clients seeded once the broker runs
// have no retained status message until their first transition (use
// WithSeed to have one from the start).
func (s *Server) Seed(n int, seed int64) []clientstate.State {
	return testfake.StatesFromMock(s.m.SeedClients(n, seed))
}

// Add stores client states as given. An Extra value that is not JSON is a
// *iotclient.ValidationError and nothing is stored.
func (s *Server) Add(states ...clientstate.State) error {
	if len(states) == 0 {
		return nil
	}
	m, err := testfake.StatesToMock(states)
	if err != nil {
		return err
	}
	s.m.AddClients(m...)
	return nil
}

// States returns every client the fake holds, in ascending client ID.
func (s *Server) States() []clientstate.State { return testfake.StatesFromMock(s.m.Clients()) }

// Connect simulates the device or gateway clientID (stored, d: or g:)
// connecting: its REST state becomes connected and a retained Connect is
// published on its status topic.
func (s *Server) Connect(clientID string) error {
	_, err := s.b.Connect(clientID)
	return err
}

// Disconnect simulates the connection of the connected device or gateway
// clientID ending with closeCode (0 normal, 91 by the client, 160
// keepalive timeout, ...): its REST state becomes disconnected and a
// retained Disconnect is published. Close code 288 (client ID reused)
// leaves it connected, as on the platform.
func (s *Server) Disconnect(clientID string, closeCode int) error {
	_, err := s.b.Disconnect(clientID, closeCode)
	return err
}

// FailedConnect simulates a refused connection attempt of clientID (close
// code 180): a FailedConnect is published, not retained; the REST state
// does not change.
func (s *Server) FailedConnect(clientID string) error {
	_, err := s.b.FailedConnect(clientID)
	return err
}

// Flap makes n random transitions of the stored devices and gateways,
// reproducibly for a seed: a connected one disconnects (sometimes with
// 288), a disconnected one connects or, one time in eight, fails to. It
// returns how many were published; it fails when no device or gateway is
// stored.
func (s *Server) Flap(seed int64, n int) (int, error) {
	trs, err := s.b.Flap(seed, n)
	return len(trs), err
}

// Simulate makes one random transition (see Flap) every interval until the
// returned stop is called or the server closes. stop waits for the
// simulation to end; calling it twice is harmless.
func (s *Server) Simulate(interval time.Duration) (stop func()) {
	return s.every(interval, func(step int) error {
		_, err := s.b.Flap(int64(step)+1, 1)
		return err
	})
}

// SimulateFlapping puts the stored device clientID in a reconnect loop,
// the kind of client live.Tracker.Flapping finds: every interval it
// connects if it is disconnected and otherwise drops, in turn kicked off
// twice by a process reusing its client ID (close code 288, so it stays
// connected) and then timed out (160). stop is as for Simulate.
func (s *Server) SimulateFlapping(clientID string, interval time.Duration) (stop func()) {
	return s.every(interval, func(step int) error {
		_, err := s.b.FlapDevice(clientID, step)
		return err
	})
}

// every runs step(0), step(1), ... once an interval until stopped, the
// server closes or step fails.
func (s *Server) every(interval time.Duration, step func(int) error) (stop func()) {
	sim := &simulation{quit: make(chan struct{})}
	sim.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-sim.quit:
				return
			case <-t.C:
				if err := step(n); err != nil {
					return // no such client, or the broker closed
				}
			}
		}
	})
	s.simMu.Lock()
	s.sims = append(s.sims, sim)
	s.simMu.Unlock()
	return sim.stop
}

type simulation struct {
	once sync.Once
	quit chan struct{}
	wg   sync.WaitGroup
}

func (sim *simulation) stop() {
	sim.once.Do(func() { close(sim.quit) })
	sim.wg.Wait()
}

// DropConnections closes every MQTT client connection at once, without a
// DISCONNECT, as a network failure would, and returns how many it closed.
// Monitors reconnect and get the retained status again.
func (s *Server) DropConnections() int { return s.b.DropClients() }

// RefuseConnections makes the broker refuse new connections (CONNACK
// "server unavailable") while refuse is true; open connections stay.
func (s *Server) RefuseConnections(refuse bool) { s.b.RefuseConnections(refuse) }

// Connections reports how many MQTT connections the broker has accepted,
// reconnects included.
func (s *Server) Connections() int { return s.b.Connections() }
