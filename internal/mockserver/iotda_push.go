package mockserver

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Defaults of Push, the platform's documented behaviour where there is one
// (spec/huawei-iotda-push.md §3).
const (
	// DefaultPushWorkers is how many pushes are in flight at most.
	DefaultPushWorkers = 4
	// DefaultPushTimeout is how long the platform waits for the 200: a push
	// not answered in time failed.
	DefaultPushTimeout = 15 * time.Second
	// DefaultBlocklistAfter is how many consecutive failed pushes blocklist
	// the receiver's host.
	DefaultBlocklistAfter = 10
	// DefaultBlocklistRetry is how often a blocklisted host is tried again.
	DefaultBlocklistRetry = 3 * time.Minute
	// DefaultDrainRate is the pushes per second of a backlog draining after
	// an outage (the platform's default flow control, 800 TPS).
	DefaultDrainRate = 800
	// DefaultReorderDelay is how long PushFaults.Reorder holds a document.
	DefaultReorderDelay = 100 * time.Millisecond
	// DefaultLifecycleTick is how often a pushing server moves its
	// simulated commands on (WithLifecycle) without waiting for a request.
	DefaultLifecycleTick = 50 * time.Millisecond
)

// Push makes the fake forward notifications to an HTTP(S) receiver as an
// IoTDA forwarding rule with an HTTP_FORWARDING action does (see
// spec/huawei-iotda-push.md §3): device.command.status for every status
// change of a command (created through the deliver call, moved by the
// lifecycle or SetCommandStatus) and device.status (SetDeviceConnection,
// SetDeviceStatus). Commands stored with AddCommands or seeded push nothing
// until they change. Zero fields take the Default* values.
type Push struct {
	// URL receives the POSTs. Empty stops pushing: status changes make no
	// documents (those already queued are still sent).
	URL string
	// PushOptions are the public fake's; only the first start's Workers
	// and Client count, and a nil Client is the fake's own, closed with
	// the server.
	PushOptions
	// BacklogMax bounds the backlog, the oldest document dropped first
	// (counted in PushStats.Dropped); zero is no bound (the platform keeps
	// 24 hours or 1 GB).
	BacklogMax int
	// LifecycleTick is how often a server WithLifecycle moves its commands
	// on by itself, so their changes are pushed without a request arriving
	// (default 50 ms).
	LifecycleTick time.Duration
}

// PushFaults makes the pushes misbehave (see iotclienttest.PushFaults,
// written once there for the public fakes).
type PushFaults = iotclienttest.PushFaults

// PushStats counts what the fake pushed since pushing started.
type PushStats = iotclienttest.PushStats

// PushOptions tunes the pushes (see iotclienttest.PushOptions).
type PushOptions = iotclienttest.PushOptions

// pushState is the server's side of pushing; its pusher exists once
// pushing has started.
type pushState struct {
	p      atomic.Pointer[pusher]
	mu     sync.Mutex // guards cfg and closed, and serialises start and stop
	cfg    *Push      // WithPush's, started by New once every option is in
	closed bool
	seq    atomic.Uint64 // numbers the documents' request IDs
}

// WithPush makes the server push notifications from the start (see Push).
func WithPush(p Push) Option {
	return func(s *Server) { s.push.cfg = &p }
}

// startPush starts what WithPush asked for; New calls it after the other
// options, so the lifecycle is known.
func (s *Server) startPush() {
	if s.push.cfg != nil {
		s.PushTo(*s.push.cfg)
	}
}

// PushTo starts pushing with p, or changes the settings of a server
// already pushing (Workers excepted). After Close it does nothing.
func (s *Server) PushTo(p Push) {
	s.push.mu.Lock()
	defer s.push.mu.Unlock()
	if s.push.closed {
		return
	}
	if cur := s.push.p.Load(); cur != nil {
		cur.configure(p)
		return
	}
	pu := newPusher(p)
	if s.lifecycle() != nil {
		pu.run(func(ctx context.Context) { s.driveLifecycle(ctx, pu.tick) })
	}
	s.push.p.Store(pu)
}

// SetPushURL points a pushing server at url, keeping its other settings
// ("" stops pushing); a server that does not push yet starts with the
// defaults.
func (s *Server) SetPushURL(url string) {
	s.push.mu.Lock()
	p := s.push.p.Load()
	if p != nil {
		p.setURL(url)
	}
	s.push.mu.Unlock()
	if p == nil {
		s.PushTo(Push{URL: url})
	}
}

// SetPushFaults replaces the faults of a pushing server; it does nothing on
// a server that does not push.
func (s *Server) SetPushFaults(f PushFaults) {
	if p := s.push.p.Load(); p != nil {
		p.setFaults(f)
	}
}

// SetReceiverDown plays an outage of the receiver: while down, documents
// are held in the backlog instead of sent (nothing is discarded); when it
// comes back the backlog goes out at once, at DrainRate, in the order the
// documents were made: the burst a receiver sees after an outage.
func (s *Server) SetReceiverDown(down bool) {
	if p := s.push.p.Load(); p != nil {
		p.setDown(down)
	}
}

// PushStats returns the push counters (zero on a server that never pushed).
func (s *Server) PushStats() PushStats {
	if p := s.push.p.Load(); p != nil {
		return p.snapshot()
	}
	return PushStats{}
}

// WaitPushes blocks until no document is queued, held back by Reorder or
// in flight. A backlog waiting for the receiver (down or blocklisted)
// counts as settled. It returns ctx's error when ctx ends first, nil at
// once on a server that does not push. It knows nothing of changes still
// to come: bring the lifecycle up to date first (a request does).
func (s *Server) WaitPushes(ctx context.Context) error {
	if p := s.push.p.Load(); p != nil {
		return p.wait(ctx)
	}
	return nil
}

// stopPush ends pushing for good and waits for its goroutines; Close
// calls it.
func (s *Server) stopPush() {
	s.push.mu.Lock()
	defer s.push.mu.Unlock()
	s.push.closed = true
	if p := s.push.p.Load(); p != nil {
		p.stop()
	}
}

// driveLifecycle brings the simulated commands up to the clock every tick
// until ctx ends: the lifecycle is otherwise lazy, and a status change
// nobody asks about would never be pushed.
func (s *Server) driveLifecycle(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.runLifecycle()
		case <-ctx.Done():
			return
		}
	}
}
