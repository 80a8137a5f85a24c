package live

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

// StatusUnknown is the Status of a TrackedState when neither the snapshot
// nor the events so far said whether the client is connected (a client
// first seen through a FailedConnect, say).
const StatusUnknown clientstate.ConnectionStatus = ""

// TrackedState is what a Tracker knows of one client.
type TrackedState struct {
	// ClientID is the client's MQTT client ID.
	ClientID string
	// Status is clientstate.StatusConnected or Disconnected, StatusUnknown, or a status the
	// REST snapshot reported that the SDK does not know.
	Status clientstate.ConnectionStatus
	// Since is when Status began: the time of the Connect or Disconnect
	// that set it, or the snapshot's lastConnectTime or
	// lastDisconnectTime.
	//
	// A Disconnect with close code 288 (client ID reused) never marks a
	// client offline: a new connection took its ID over. A connected
	// client stays connected since the same time; a client not known to
	// be connected becomes connected since the event's time, unless the
	// event is no newer than what the tracker knew (the snapshot describes
	// that instant already).
	Since time.Time
	// LastCloseCode, LastReason and LastCause are from the client's
	// newest Disconnect by time, whatever order the events arrived in (for
	// a snapshot, its disconnectReasonCode and State.Cause); zero and
	// empty when none was seen.
	LastCloseCode int
	LastReason    string
	// LastCause is clientstate.CauseNone when no disconnect was seen.
	LastCause clientstate.Cause
	// LastFailedConnect is the time of the newest FailedConnect seen.
	LastFailedConnect time.Time
	// Updated is the time of the newest information applied. An event
	// older than it is ignored, so that the snapshot and the events merge
	// newest-wins whatever order they arrive in.
	Updated time.Time
	// Live reports whether an event (rather than the snapshot alone)
	// has set the state.
	Live bool
}

// TrackerConfig configures a Tracker.
type TrackerConfig struct {
	// Query narrows the REST snapshot the tracker starts from (default:
	// every client). The monitor's subscriptions should cover the same
	// clients.
	Query clientstate.ListQuery
	// OnError, when set, receives the errors of the monitor's stream that
	// do not stop the tracker: messages that could not be decoded
	// (*MessageError) and lost connections or failed attempts
	// (*ConnectionError). It is called from the tracker's goroutine.
	OnError func(error)
	// OnEvent, when set, is called for every event once the tracker has
	// processed it, with applied false when it was older than what the
	// tracker knew. Events that arrive while the snapshot is read are
	// processed, in order, after it. It is called from the tracker's
	// goroutine, with no lock held: it may query the tracker.
	OnEvent func(ev Event, applied bool)
	// History is how long each client's connects and disconnects are
	// kept for Flapping and Summary, counted back from the client's newest
	// one (default DefaultHistory): a window longer than it counts only
	// what was kept.
	History time.Duration
	// MaxHistory bounds the connects and disconnects kept per client, the
	// oldest dropped first (default DefaultMaxHistory), so that a client
	// in a reconnect storm costs bounded memory.
	MaxHistory int
	// Now, when set, is the tracker's clock: the end of the windows of
	// Flapping and Summary (default time.Now).
	Now func() time.Time
}

// Tracker keeps the current connection state of a fleet: a REST snapshot
// (clientstate.Client.List) kept up to date by a Monitor's events. Build it with
// NewTracker, start it with Run, and query it (State, Connected,
// Disconnected, States, Flapping, Summary) from any goroutine while it
// runs and after. It holds each client in a small fixed record (about 200
// bytes of heap a client with its recent history), so one machine can
// track a fleet of millions.
//
// Run starts the monitor before reading the snapshot and holds the events
// that arrive meanwhile, then applies them over the snapshot in arrival
// order, each only if it is not older than what the tracker knows of its
// client (Updated). Together with the retained state the broker sends on
// every (re)subscription, no change is lost between the snapshot and the
// stream, or across a reconnect.
type Tracker struct {
	client *clientstate.Client
	mon    *Monitor
	cfg    TrackerConfig

	mu    sync.RWMutex
	store *store

	ready   chan struct{}
	started atomic.Bool
}

// NewTracker builds a tracker over a REST client and a monitor. Both are
// required; it sends nothing.
func NewTracker(client *clientstate.Client, mon *Monitor, cfg TrackerConfig) (*Tracker, error) {
	if client == nil {
		return nil, iotclient.NewValidationError("client", "", "is required")
	}
	if mon == nil {
		return nil, iotclient.NewValidationError("monitor", "", "is required")
	}
	return &Tracker{
		client: client,
		mon:    mon,
		cfg:    cfg,
		store:  newStore(cfg.History, cfg.MaxHistory),
		ready:  make(chan struct{}),
	}, nil
}

// ErrTrackerStarted is returned by a second call of Tracker.Run.
var ErrTrackerStarted = errors.New("live: the tracker was already run")

// Ready is closed once the snapshot and the events that arrived during it
// have been applied: from then on the tracker reflects the fleet.
func (t *Tracker) Ready() <-chan struct{} { return t.ready }

// Run tracks the fleet until ctx is done, returning ctx's error, or until
// the snapshot fails or the monitor stops for good, returning that error.
// It may be called once. When it returns, the monitor is disconnected and
// every goroutine Run started has ended; the states stay queryable.
func (t *Tracker) Run(ctx context.Context) error {
	if !t.started.CompareAndSwap(false, true) {
		return ErrTrackerStarted
	}
	ctx, cancel := context.WithCancel(ctx)
	type item struct {
		ev  Event
		err error
	}
	type snapshot struct {
		states []clientstate.State
		err    error
	}
	events := make(chan item, 256) // closed when the stream ends
	snap := make(chan snapshot, 1) // nil once the snapshot is applied
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait() // List and Events end at once on a cancelled context
	}()
	wg.Go(func() {
		defer close(events)
		for ev, err := range t.mon.Events(ctx) {
			select {
			case events <- item{ev, err}:
			case <-ctx.Done():
				return
			}
		}
	})
	wg.Go(func() {
		var s snapshot
		for st, err := range t.client.List(ctx, t.cfg.Query) {
			if err != nil {
				s.err = err
				break
			}
			s.states = append(s.states, st)
		}
		snap <- s
	})

	var pending []Event // events that arrived during the snapshot
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case s := <-snap:
			snap = nil
			if s.err != nil {
				return s.err
			}
			t.load(s.states)
			for _, ev := range pending {
				t.process(ev)
			}
			pending = nil
			close(t.ready)
		case it, ok := <-events:
			switch {
			case !ok && ctx.Err() != nil:
				return ctx.Err()
			case !ok:
				return errors.New("live: the monitor's stream ended unexpectedly")
			case it.err == nil && snap != nil:
				pending = append(pending, it.ev)
			case it.err == nil:
				t.process(it.ev)
			case IsTransient(it.err):
				if t.cfg.OnError != nil {
					t.cfg.OnError(it.err)
				}
			default:
				return it.err // a fatal error is the stream's last item
			}
		}
	}
}

// load applies the REST snapshot.
func (t *Tracker) load(states []clientstate.State) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range states {
		t.store.load(&states[i])
	}
}

// process applies one event and reports it to OnEvent.
func (t *Tracker) process(ev Event) {
	applied := t.apply(ev)
	if t.cfg.OnEvent != nil {
		t.cfg.OnEvent(ev, applied)
	}
}

// apply merges an event into the client's state, newest wins, and
// records a disconnect for Flapping and Summary whatever its age.
func (t *Tracker) apply(ev Event) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.store.apply(&ev)
}

// State returns what the tracker knows of one client; ok is false for a
// client it has never heard of.
func (t *Tracker) State(clientID string) (st TrackedState, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.store.index[clientID]
	if !ok {
		return TrackedState{}, false
	}
	return t.store.state(int(i)), true
}

// Connected returns the clients currently connected, by client ID.
func (t *Tracker) Connected() []TrackedState {
	return t.filter(func(r *clientRec) bool { return r.status == statusConnectedID })
}

// Disconnected returns the clients currently disconnected, by client ID.
func (t *Tracker) Disconnected() []TrackedState {
	return t.filter(func(r *clientRec) bool { return r.status == statusDisconnectedID })
}

// States returns every client the tracker knows, by client ID.
func (t *Tracker) States() []TrackedState {
	return t.filter(func(*clientRec) bool { return true })
}

// Len is how many clients the tracker knows.
func (t *Tracker) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.store.recs)
}

func (t *Tracker) filter(keep func(*clientRec) bool) []TrackedState {
	t.mu.RLock()
	var out []TrackedState
	for i := range t.store.recs {
		if keep(&t.store.recs[i]) {
			out = append(out, t.store.state(i))
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b TrackedState) int { return cmp.Compare(a.ClientID, b.ClientID) })
	return out
}
