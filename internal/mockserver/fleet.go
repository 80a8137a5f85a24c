package mockserver

import (
	"fmt"
	"time"
)

// This file is the seam the MQTT broker (package mockbroker) works
// through: it lives apart so that programs serving HTTP only link no
// broker.

// Now reads the server's clock (time.Now unless WithClock set another).
func (s *Server) Now() time.Time { return s.now() }

// Done is closed when the server is closed; a broker serving the server's
// fleet stops then.
func (s *Server) Done() <-chan struct{} { return s.done }

// UpdateClient calls fn with the stored state of clientID, under the
// server's write lock, so that a change and whatever fn builds from it are
// one step for concurrent requests. When fn returns nil the change counts
// as a new version of the client list (resuming bookmarks notice it); an
// error from fn is returned as is. Times fn sets should be UTC at
// millisecond precision, as the platform stores them.
func (s *Server) UpdateClient(clientID string, fn func(c *ClientState) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.wiotp.clients[clientID]
	if c == nil {
		return fmt.Errorf("mockserver: client %q does not exist", clientID)
	}
	if err := fn(c); err != nil {
		return err
	}
	s.wiotp.version++
	return nil
}
