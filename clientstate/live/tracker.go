package live

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

// StatusUnknown is the Status of a client neither the snapshot nor the
// events said is connected or not (one seen only through a FailedConnect).
const StatusUnknown clientstate.ConnectionStatus = ""

// TrackedState is what a Tracker knows of one client.
type TrackedState struct {
	ClientID string
	// Status is StatusConnected, StatusDisconnected, StatusUnknown, or a
	// status the snapshot reported. A Disconnect with close code 288 (client
	// ID reused) never marks a client offline.
	Status clientstate.ConnectionStatus
	Since  time.Time // when Status began
	// LastCloseCode, LastReason and LastCause are from the newest
	// Disconnect (or the snapshot's reason code and cause); zero when none.
	LastCloseCode     int
	LastReason        string
	LastCause         clientstate.Cause
	LastFailedConnect time.Time // the newest FailedConnect seen
	Updated           time.Time // the newest information applied: older events are ignored
	Live              bool      // an event, not the snapshot alone, set the state
}

// TrackerConfig configures a Tracker. The zero value tracks every client.
type TrackerConfig struct {
	Query clientstate.ListQuery // narrows the REST snapshot, like the monitor's subscriptions
	// OnError receives, from Run's goroutine, the stream's errors that do
	// not stop the tracker (see IsTransient).
	OnError func(error)
	// OnEvent is called for every event once processed, one call at a time
	// and in stream order, and may call the tracker's methods; applied is
	// false when it was older than what the tracker knew. Events that
	// arrive during the snapshot come after it, from the goroutine that
	// loaded it; the others from Run's.
	OnEvent func(ev Event, applied bool)
	// History is how long each client's connects and disconnects are kept
	// for Flapping and Summary (DefaultHistory), and MaxHistory how many at
	// most (DefaultMaxHistory), so a reconnect storm costs bounded memory.
	History    time.Duration
	MaxHistory int
	// Now is the tracker's clock (time.Now when nil): it ends the windows
	// of Flapping and Summary, and History is kept back from it. An event
	// stamped after Now counts in those windows as of Now.
	Now func() time.Time
}

// Tracker keeps a fleet's connection state: a REST snapshot
// (clientstate.Client.List) kept up to date by a Monitor's events. Build it
// with NewTracker, start it with Run, and query it from any goroutine while
// it runs and after. A client costs under 256 bytes of heap with its recent
// history, so one machine can track millions.
type Tracker struct {
	client  *clientstate.Client
	mon     *Monitor
	cfg     TrackerConfig
	mu      sync.RWMutex
	store   *store
	ready   chan struct{}
	started atomic.Bool
}

// NewTracker builds a tracker over a REST client and a monitor, both
// required; it sends nothing.
func NewTracker(client *clientstate.Client, mon *Monitor, cfg TrackerConfig) (*Tracker, error) {
	if client == nil {
		return nil, invalid.Field("client", "", "is required")
	}
	if mon == nil {
		return nil, invalid.Field("monitor", "", "is required")
	}
	return &Tracker{client: client, mon: mon, cfg: cfg, store: newStore(cfg.History, cfg.MaxHistory), ready: make(chan struct{})}, nil
}

// ErrTrackerStarted is returned by a second call of Tracker.Run.
var ErrTrackerStarted = errors.New("live: the tracker was already run")

// Ready is closed once the snapshot and the events that arrived during it
// have been applied; until then the states are partial.
func (t *Tracker) Ready() <-chan struct{} { return t.ready }

// Run tracks the fleet until ctx is done (returning ctx's error), the
// snapshot fails or the monitor stops for good (returning that error). It
// may be called once. When it returns, the monitor is disconnected and Run's
// goroutines have ended; the states stay queryable.
//
// Run starts the monitor before reading the snapshot and applies the
// events that arrived meanwhile after it, newest wins. With the retained
// state the broker sends on every (re)subscription, no change is lost
// between snapshot and stream, or across a reconnect.
//
// Run ranges over the monitor's Events itself, so the monitor's
// Config.EventBuffer is all that waits for the tracker. The snapshot is
// loaded in a second goroutine, which also applies the events held back
// while it ran: a range loop cannot wait for the snapshot's end and the next
// event at once, and without a second goroutine the held-back events (and
// Ready) would wait for the next message, which a quiet fleet may not send
// for hours. seq keeps OnEvent's calls one at a time and in stream order.
func (t *Tracker) Run(ctx context.Context) error {
	if !t.started.CompareAndSwap(false, true) {
		return ErrTrackerStarted
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		seq     sync.Mutex // held to apply an event, or the held-back ones
		loaded  bool       // the snapshot is in: events apply at once
		pending []Event    // the events that arrived during the snapshot
		snapErr error
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		// Loaded state by state: a fleet's snapshot is never held whole.
		for st, err := range t.client.List(ctx, t.cfg.Query) {
			if err != nil {
				snapErr = err
				cancel() // ends the stream, and so Run
				return
			}
			t.load(st)
		}
		seq.Lock()
		defer seq.Unlock()
		for _, ev := range pending {
			t.process(ev)
		}
		pending, loaded = nil, true
		close(t.ready)
	})
	streamErr := errors.New("live: the monitor's stream ended unexpectedly")
	for ev, err := range t.mon.Events(ctx) {
		switch {
		case err == nil:
			seq.Lock()
			if loaded {
				t.process(ev)
			} else {
				pending = append(pending, ev)
			}
			seq.Unlock()
		case IsTransient(err):
			if t.cfg.OnError != nil {
				t.cfg.OnError(err)
			}
		default:
			streamErr = err // a fatal error is the stream's last item
		}
	}
	cancel()
	wg.Wait()
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case snapErr != nil:
		return snapErr
	}
	return streamErr
}

// load applies states of the REST snapshot.
func (t *Tracker) load(states ...clientstate.State) {
	now := nanos(t.now())
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range states {
		t.store.load(&states[i], now)
	}
}

// process applies one event and reports it to OnEvent.
func (t *Tracker) process(ev Event) {
	applied := t.apply(ev)
	if t.cfg.OnEvent != nil {
		t.cfg.OnEvent(ev, applied)
	}
}

func (t *Tracker) apply(ev Event) bool {
	now := nanos(t.now())
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.store.apply(&ev, now)
}

// now reads the tracker's clock, TrackerConfig.Now.
func (t *Tracker) now() time.Time {
	if t.cfg.Now != nil {
		return t.cfg.Now()
	}
	return time.Now()
}
