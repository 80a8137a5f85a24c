package mockserver

import "sync"

// commandGets counts GET .../async-commands/{command_id} per command, so a
// test can tell the commands a client polled from those it learnt about
// by push.
type commandGets struct {
	mu sync.Mutex
	n  map[[2]string]int // {device ID, command ID} → requests
}

func (g *commandGets) add(deviceID, commandID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n == nil {
		g.n = make(map[[2]string]int)
	}
	g.n[[2]string{deviceID, commandID}]++
}

func (g *commandGets) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n = nil
}

// CommandGets reports how many GET .../async-commands/{command_id}
// requests named this command of this device since the server started or
// the last ResetCounts. Like Requests, it counts a request as it arrives,
// whatever the answer.
func (s *Server) CommandGets(deviceID, commandID string) int {
	s.gets.mu.Lock()
	defer s.gets.mu.Unlock()
	return s.gets.n[[2]string{deviceID, commandID}]
}
