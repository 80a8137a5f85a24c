package commands

import (
	"cmp"
	"context"
	"iter"
	"strconv"
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/recent"
)

// Defaults of WatcherOptions.
const (
	DefaultRemember      = 10 * time.Minute
	DefaultMaxRemembered = 10_000
)

// WatcherOptions tunes a Watcher. The zero value takes the defaults.
type WatcherOptions struct {
	// Remember is how long a final status stays known to a Wait called
	// after it arrived; 0 means DefaultRemember.
	Remember time.Duration
	// MaxRemembered is how many final statuses stay known, the oldest
	// forgotten first; 0 means DefaultMaxRemembered. It bounds the
	// watcher's memory: each holds the command's Result.
	MaxRemembered int
}

// Watcher resolves Wait from pushed status updates instead of polling. Run
// feeds it a stream of updates, expressed in this package's own type so
// that it takes any source: package notify's CommandUpdates turns IoTDA's
// forwarded notifications (HTTP push, AMQP) into one. A Wait given the
// watcher (WaitOptions.Watcher) returns as soon as the command's final
// status arrives, without a request; it reads the command itself only
// every PollMax, and soon after an error on the stream (a notification may
// have been lost) or its end, so a lost push costs latency, never the
// outcome. A final status that arrived before Wait was called is
// remembered for a while (WatcherOptions), so Wait does not miss it.
//
// One watcher serves every Wait of a program; it is safe for concurrent
// use, and several streams may feed it at once. The zero value is a
// watcher with the default options.
type Watcher struct {
	mu      sync.Mutex
	waiters map[string]map[*waiter]struct{} // by command ID
	finals  *recent.Map[string, Command]    // recent final statuses, by command ID
}

// waiter is one Wait's subscription to its command's updates.
type waiter struct {
	deviceID string
	signal   chan struct{} // wakes the Wait: something below changed
	// Guarded by Watcher.mu.
	latest  Command // the most advanced update pushed (zero: none)
	recheck bool    // the stream had an error or ended: read the command
}

// NewWatcher returns a watcher; a bad option is an
// *iotclient.ValidationError naming the field.
func NewWatcher(opts WatcherOptions) (*Watcher, error) {
	switch {
	case opts.Remember < 0:
		return nil, invalid.Field("WatcherOptions.Remember", opts.Remember.String(), "must not be negative")
	case opts.MaxRemembered < 0:
		return nil, invalid.Field("WatcherOptions.MaxRemembered", strconv.Itoa(opts.MaxRemembered), "must not be negative")
	}
	n, remember := cmp.Or(opts.MaxRemembered, DefaultMaxRemembered), cmp.Or(opts.Remember, DefaultRemember)
	return &Watcher{finals: recent.New[string, Command](n, remember)}, nil
}

// init makes a zero Watcher usable, with the default options; w.mu is
// held.
func (w *Watcher) init() {
	if w.finals == nil {
		w.finals = recent.New[string, Command](DefaultMaxRemembered, DefaultRemember)
	}
	if w.waiters == nil {
		w.waiters = make(map[string]map[*waiter]struct{})
	}
}

// Run feeds the watcher the updates of a stream until it ends, and returns
// the error the stream ended with (its last item's, when that was an
// error), or nil. Each update is a command's state as pushed: at least ID
// and Status, and DeviceID when known (an update whose DeviceID is set and
// differs from the one Wait was given is not that command's). Updates may
// come twice or out of order: each Wait keeps the most advanced state (see
// Command.Supersedes). Every error on the stream makes the waits read
// their command soon, and so does the stream's end. Stop Run by ending the
// stream (cancel its context).
func (w *Watcher) Run(updates iter.Seq2[Command, error]) error {
	if w == nil {
		return invalid.Field("Watcher", "", "is nil")
	}
	var last error
	for cmd, err := range updates {
		last = err
		if err != nil {
			w.recheckAll()
			continue
		}
		w.update(cmd)
	}
	w.recheckAll()
	return last
}

// update hands one pushed state to the waits of its command, and
// remembers a final one.
func (w *Watcher) update(cmd Command) {
	if cmd.ID == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	if cmd.Status.IsTerminal() {
		if _, known := w.finals.Get(cmd.ID); !known {
			w.finals.Put(cmd.ID, cmd)
		}
	}
	for wt := range w.waiters[cmd.ID] {
		if cmd.DeviceID != "" && cmd.DeviceID != wt.deviceID {
			continue
		}
		if wt.latest.ID == "" || cmd.Supersedes(wt.latest) {
			wt.latest = cmd
			wt.wake()
		}
	}
}

// recheckAll makes every wait read its command.
func (w *Watcher) recheckAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ws := range w.waiters {
		for wt := range ws {
			wt.recheck = true
			wt.wake()
		}
	}
}

func (wt *waiter) wake() {
	select {
	case wt.signal <- struct{}{}:
	default: // already woken; it reads the latest state
	}
}

// subscribe registers a wait for a command; when its final status is
// already known, it returns that instead.
func (w *Watcher) subscribe(deviceID, commandID string) (*waiter, Command, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	if final, ok := w.finals.Get(commandID); ok && (final.DeviceID == "" || final.DeviceID == deviceID) {
		return nil, final, true
	}
	wt := &waiter{deviceID: deviceID, signal: make(chan struct{}, 1)}
	if w.waiters[commandID] == nil {
		w.waiters[commandID] = make(map[*waiter]struct{})
	}
	w.waiters[commandID][wt] = struct{}{}
	return wt, Command{}, false
}

func (w *Watcher) unsubscribe(commandID string, wt *waiter) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.waiters[commandID], wt)
	if len(w.waiters[commandID]) == 0 {
		delete(w.waiters, commandID)
	}
}

// take returns what the watcher has for a wait, and clears its recheck.
func (w *Watcher) take(wt *waiter) (Command, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	recheck := wt.recheck
	wt.recheck = false
	return wt.latest, recheck
}

// waitPushed is Wait with a watcher: it returns on the final status
// pushed, and reads the command every pollMax, or soon after a recheck
// (not sooner than pollMin after its last read).
func (c *Client) waitPushed(ctx context.Context, w *Watcher, deviceID, commandID string, pollMin, pollMax time.Duration, onStatus func(Command)) (Command, error) {
	wt, final, ok := w.subscribe(deviceID, commandID)
	if ok {
		final.DeviceID = deviceID
		if onStatus != nil {
			onStatus(final)
		}
		return final, nil
	}
	defer w.unsubscribe(commandID, wt)
	var last Command
	var lastRead time.Time // zero: not read yet
	due := time.Now().Add(pollMax)
	t := time.NewTimer(pollMax)
	defer t.Stop()
	see := func(cmd Command) {
		if onStatus != nil && (last.ID == "" || cmd.Status != last.Status) {
			onStatus(cmd)
		}
		last = cmd
	}
	for {
		select {
		case <-ctx.Done():
			return last, waitEnded(deviceID, commandID, &last, ctx.Err())
		case <-wt.signal:
			pushed, recheck := w.take(wt)
			if pushed.ID != "" && (last.ID == "" || pushed.Supersedes(last)) {
				cmd := pushed.withKnown(last)
				cmd.DeviceID = deviceID
				see(cmd)
				if cmd.Status.IsTerminal() {
					return cmd, nil
				}
			}
			if recheck {
				at := time.Now()
				if !lastRead.IsZero() {
					at = lastRead.Add(pollMin)
				}
				if at.Before(due) {
					due = at
					t.Reset(time.Until(at))
				}
			}
		case <-t.C:
			cmd, err := c.Get(ctx, deviceID, commandID)
			if err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return last, waitEnded(deviceID, commandID, &last, ctxErr)
				}
				return last, err
			}
			lastRead = time.Now()
			if last.ID != "" && last.Supersedes(cmd) {
				cmd = last.withKnown(cmd) // a push already told more than the read
			}
			see(cmd)
			if cmd.Status.IsTerminal() {
				return cmd, nil
			}
			due = lastRead.Add(pollMax)
			t.Reset(pollMax)
		}
	}
}
