package devicestate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/notify"
)

// TrackedDevice is what a Tracker knows of one device.
type TrackedDevice struct {
	DeviceID string
	// Status is the newest status the tracker knows; StatusUnknown for a
	// device it has heard of only through a notification without one.
	Status Status
	// Since is when Status began, to the millisecond: the oldest change to
	// it since the last other status, from the notifications or a Get's
	// connection_status_update_time. Zero when unknown (a status from the
	// device list, which has no times, that no notification dated).
	Since time.Time
	// Updated is the time of the information Status came from: a
	// notification's own time, or a REST read's (see TrackerConfig.ClockSkew).
	Updated time.Time
	Live    bool // a notification, not a REST read, set Status
}

// Defaults of TrackerConfig.
const (
	// DefaultClockSkew is how far the platform's clock and the tracker's
	// may be apart.
	DefaultClockSkew = 30 * time.Second
	// DefaultReconcileInterval is the least time between two requests of a
	// reconciliation.
	DefaultReconcileInterval = 200 * time.Millisecond
)

// TrackerConfig configures a Tracker. The zero value tracks every device of
// the project.
type TrackerConfig struct {
	// Query narrows the snapshot (and every reconciliation); notifications
	// about devices of another product or app (as their header says) are
	// ignored.
	Query ListQuery
	// OnError receives, from Run's goroutine, the stream's errors that do
	// not stop the tracker (see notify.IsTransient) and the failures of a
	// reconciliation, which is then tried again later.
	OnError func(error)
	// OnNotification is called from Run's goroutine, with no lock held, for
	// every device.status notification once processed; applied is false
	// when it was not newer than what the tracker knew.
	OnNotification func(n notify.Notification, applied bool)
	// OnReconciled is called from Run's goroutine after each reconciliation
	// that succeeded, the first snapshot included, with how many devices
	// it read.
	OnReconciled func(devices int)
	// ReconcileDevices is how a gap in the stream is made good: 0 re-reads
	// the whole device list (a page at a time), n > 0 reads with Get the n
	// devices whose status changed most recently (a cheaper guess at those
	// the lost notifications were about).
	ReconcileDevices int
	// ReconcileInterval is the least time between two requests of a
	// reconciliation (the first snapshot's included): zero means
	// DefaultReconcileInterval, negative no pacing. The client's
	// iotclient.WithRateLimit paces them besides.
	ReconcileInterval time.Duration
	// ClockSkew is how far the platform's clock may be from Now
	// (DefaultClockSkew when zero): a REST read tells the status as of
	// the read less ClockSkew, and a notification stamped later than Now
	// plus ClockSkew counts as of then.
	ClockSkew time.Duration
	// History is how long each device's status changes are kept for
	// Flapping, Summary and Since (DefaultHistory), and MaxHistory how
	// many at most (DefaultMaxHistory), so a device that flaps costs
	// bounded memory.
	History    time.Duration
	MaxHistory int
	Now        func() time.Time // the tracker's clock (time.Now when nil): it ends the windows
}

// Tracker keeps the connection state of a fleet of IoTDA devices: a
// snapshot from the device list, kept up to date by the device.status
// notifications IoTDA forwards (a stream from package notify: the HTTP(S)
// push Handler, the AMQP consumer, or any other). Build it with
// NewTracker, start it with Run, and query it from any goroutine while it
// runs and after. A device costs under 256 bytes of heap with its recent
// history, so one machine tracks millions.
//
// Notifications count by their own times, never by arrival: duplicates
// and late ones end in the same state as the notifications delivered once,
// in order, so the raw stream is what it wants (notify.Deduplicate would
// drop the late changes Flapping counts). A notification is a change, not
// a heartbeat, so after a gap in the stream (an error matching
// notify.ErrLost, which a consumer also reports when it reconnects) the
// tracker re-reads the states it may have missed (see
// TrackerConfig.ReconcileDevices), paced, while notifications go on being
// applied.
//
// The platform pushes no disconnect cause: where the IBM tracker
// (clientstate/live) counts disconnects by cause, this one counts them by
// the status the device went to, OFFLINE or ABNORMAL.
type Tracker struct {
	client  *Client
	stream  iter.Seq2[notify.Notification, error]
	cfg     TrackerConfig
	pace    *rate.Limiter // nil: reconciliations are not paced
	mu      sync.RWMutex
	store   *store
	ready   chan struct{}
	started atomic.Bool
}

// NewTracker builds a tracker over a REST client and a stream of
// notifications, both required; it sends nothing.
func NewTracker(client *Client, stream iter.Seq2[notify.Notification, error], cfg TrackerConfig) (*Tracker, error) {
	switch {
	case client == nil:
		return nil, invalid.Field("client", "", "is required")
	case stream == nil:
		return nil, invalid.Field("stream", "", "is required")
	case cfg.ReconcileDevices < 0:
		return nil, invalid.Field("TrackerConfig.ReconcileDevices", fmt.Sprint(cfg.ReconcileDevices), "must not be negative")
	case cfg.ClockSkew < 0:
		return nil, invalid.Field("TrackerConfig.ClockSkew", cfg.ClockSkew.String(), "must not be negative")
	}
	if err := cfg.Query.validate(); err != nil {
		return nil, err
	}
	t := &Tracker{client: client, stream: stream, cfg: cfg, store: newStore(cfg.History, cfg.MaxHistory), ready: make(chan struct{})}
	if cfg.ReconcileInterval >= 0 {
		t.pace = rate.NewLimiter(rate.Every(cmp.Or(cfg.ReconcileInterval, DefaultReconcileInterval)), 1)
	}
	return t, nil
}

// ErrTrackerStarted is returned by a second call of Tracker.Run.
var ErrTrackerStarted = errors.New("devicestate: the tracker was already run")

// ErrStreamEnded is returned by Tracker.Run when the notification stream
// ends while its context is not done.
var ErrStreamEnded = errors.New("devicestate: the notification stream ended")

// Ready is closed once the first snapshot has been read; until then the
// states are partial.
func (t *Tracker) Ready() <-chan struct{} { return t.ready }

// The wait before a failed reconciliation is tried again: doubling from
// the first to the last.
const (
	firstRetry = time.Second
	lastRetry  = time.Minute
)

type streamItem struct {
	n   notify.Notification
	err error
}

// Run tracks the fleet until ctx is done (returning ctx's error), the
// first snapshot fails, or the stream ends or fails for good (returning
// that error, or ErrStreamEnded). A stream that ends once ctx is done
// (because it watches ctx) makes Run return ctx's error, never
// ErrStreamEnded. It may be called once. When it returns the
// reconciliations have ended and the states stay queryable; the goroutine
// ranging over the stream ends when the stream next yields (or ends), so
// give the stream the same context (as notify.Handler.Notifications takes
// one).
//
// Run ranges over the stream and reads the snapshot at the same time,
// merging both by time, so nothing that changes meanwhile is lost. After
// a gap it reconciles once more (a gap during a reconciliation makes it
// run again after); a reconciliation that fails is tried again after 1s,
// doubling up to 1m.
func (t *Tracker) Run(ctx context.Context) error {
	if !t.started.CompareAndSwap(false, true) {
		return ErrTrackerStarted
	}
	// The stream may watch parent itself (notify.Handler.Notifications
	// does): parent's error is set before the stream can see it, while ctx,
	// derived from it, is cancelled a moment later. So the stream's end is
	// told apart by parent's error, never ctx's.
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	items := make(chan streamItem, 256) // closed when the stream ends
	// Not waited for: a stream blocked waiting for its next item cannot be
	// interrupted; the goroutine ends when it yields again, or ends.
	go func() {
		defer close(items)
		for n, err := range t.stream {
			select {
			case items <- streamItem{n, err}:
			case <-ctx.Done():
				return
			}
		}
	}()

	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	running, again, ready := false, false, false
	var retry <-chan time.Time
	wait := firstRetry
	reconcile := func(full bool) {
		running = true
		wg.Go(func() {
			n, err := t.reconcile(ctx, full)
			done <- result{n, err}
		})
	}
	reconcile(true) // the snapshot
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-done:
			running = false
			first := !ready
			switch {
			case r.err != nil && first:
				return r.err
			case r.err != nil:
				t.report(fmt.Errorf("devicestate: reconciling after a gap: %w", r.err))
				retry = time.After(wait)
				wait = min(2*wait, lastRetry)
				continue
			case first:
				ready = true
				close(t.ready)
			}
			wait, retry = firstRetry, nil
			if t.cfg.OnReconciled != nil {
				t.cfg.OnReconciled(r.n)
			}
			if again {
				again = false
				reconcile(t.cfg.ReconcileDevices == 0)
			}
		case <-retry:
			retry = nil
			if !running {
				reconcile(t.cfg.ReconcileDevices == 0)
			}
		case it, ok := <-items:
			switch {
			case !ok && parent.Err() != nil:
				return parent.Err()
			case !ok:
				return ErrStreamEnded
			case it.err == nil:
				t.process(it.n)
			case notify.IsTransient(it.err):
				t.report(it.err)
				if !errors.Is(it.err, notify.ErrLost) {
					continue
				}
				switch {
				case running:
					again = true
				case retry == nil: // else the retry due makes good the gap too
					reconcile(t.cfg.ReconcileDevices == 0)
				}
			default:
				return it.err // a fatal error is the stream's last item
			}
		}
	}
}

func (t *Tracker) report(err error) {
	if t.cfg.OnError != nil {
		t.cfg.OnError(err)
	}
}

func (t *Tracker) now() time.Time {
	if t.cfg.Now != nil {
		return t.cfg.Now()
	}
	return time.Now()
}

func (t *Tracker) skew() time.Duration { return cmp.Or(t.cfg.ClockSkew, DefaultClockSkew) }

// process applies one notification and reports it to OnNotification.
func (t *Tracker) process(n notify.Notification) {
	if n.Resource != notify.ResourceDeviceStatus || n.Device == nil || n.Header.DeviceID == "" {
		return // another resource, or nothing to apply
	}
	if q := &t.cfg.Query; q.ProductID != "" && n.Header.ProductID != "" && n.Header.ProductID != q.ProductID ||
		q.AppID != "" && n.Header.AppID != "" && n.Header.AppID != q.AppID {
		return // a device the tracker does not follow
	}
	applied := t.apply(&n)
	if t.cfg.OnNotification != nil {
		t.cfg.OnNotification(n, applied)
	}
}

// apply merges one device.status notification: its time is the status
// change's, else the event's, else now; one stamped beyond now and the
// clock skew counts as of then.
func (t *Tracker) apply(n *notify.Notification) bool {
	at := n.Device.StatusUpdatedAt
	if at.IsZero() {
		at = n.Time
	}
	now := t.now()
	switch limit := now.Add(t.skew()); {
	case at.IsZero():
		at = now
	case at.After(limit):
		at = limit
	}
	ms := max(millis(at), 1)
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.store.push(n.Header.DeviceID, statusOf(string(n.Device.Status)), ms)
}
