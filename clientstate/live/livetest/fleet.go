package livetest

import (
	"context"
	"sync"
	"time"
)

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
// server closes or step fails. stop waits for the run to end; calling it
// twice is harmless.
func (s *Server) every(interval time.Duration, step func(int) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if step(n) != nil {
					return // no such client, or the broker closed
				}
			}
		}
	})
	stop = func() { cancel(); wg.Wait() }
	s.simMu.Lock()
	s.stops = append(s.stops, stop)
	s.simMu.Unlock()
	return stop
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
