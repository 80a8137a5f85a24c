package notifyamqp_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// itemTimeout bounds every wait for the next item of a stream: a stalled
// link fails the test fast instead of hanging it.
const itemTimeout = 15 * time.Second

// watchdog cancels ctx when kick has not been called for itemTimeout.
type watchdog struct {
	t     *time.Timer
	fired chan struct{}
}

func newWatchdog(cancel context.CancelFunc) *watchdog {
	w := &watchdog{fired: make(chan struct{})}
	w.t = time.AfterFunc(itemTimeout, func() { close(w.fired); cancel() })
	return w
}

func (w *watchdog) kick() { w.t.Reset(itemTimeout) }

func (w *watchdog) stop(t *testing.T, what string) {
	t.Helper()
	w.t.Stop()
	select {
	case <-w.fired:
		t.Fatalf("%s: no item for %s", what, itemTimeout)
	default:
	}
}

func newConsumer(t *testing.T, cfg notifyamqp.Config) *notifyamqp.Consumer {
	t.Helper()
	c, err := notifyamqp.NewConsumer(cfg)
	if err != nil {
		t.Fatalf("NewConsumer: %v", err)
	}
	return c
}

// takeIndexes consumes from c until n command statuses arrived, cancelling
// the stream then (the last one is accepted too: the body returned), and
// returns their indexes in the order they came. A stream error, or no item
// for itemTimeout, fails the test.
func takeIndexes(t *testing.T, c *notifyamqp.Consumer, n int, what string) []int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := newWatchdog(cancel)
	var got []int
	for nt, err := range c.Notifications(ctx) {
		wd.kick()
		if err != nil {
			t.Fatalf("%s: stream error: %v", what, err)
		}
		got = append(got, commandIndex(t, nt.Command.CommandID))
		if len(got) == n {
			cancel()
		}
	}
	wd.stop(t, what)
	return got
}

// TestConsumeTenThousandOnce publishes 10,000 notifications with 1,000 exact
// duplicates among them, as an at-least-once channel brings: each is
// yielded once, and the queue ends empty (every message accepted).
func TestConsumeTenThousandOnce(t *testing.T) {
	b := needBroker(t)
	b.empty(t)
	const n = 10000
	pub := b.publisher(t)
	pub.send(t, docs(0, n/2))
	pub.send(t, docs(0, 1000)) // duplicates of the first 1,000
	pub.send(t, docs(n/2, n))

	c := newConsumer(t, b.config())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := newWatchdog(cancel)
	seen := make([]int, n)
	got := 0
	for nt, err := range c.Notifications(ctx) {
		wd.kick()
		if err != nil {
			t.Fatalf("stream error: %v", err)
		}
		if nt.Resource != notify.ResourceCommandStatus || nt.Command == nil {
			t.Fatalf("not a command status: %+v", nt)
		}
		i := commandIndex(t, nt.Command.CommandID)
		seen[i]++
		if got++; got == n {
			cancel() // the body returns: this last one is accepted too
		}
	}
	wd.stop(t, "consuming")
	if got != n {
		t.Fatalf("yielded %d notifications, want %d", got, n)
	}
	for i, k := range seen {
		if k != 1 {
			t.Fatalf("command %d yielded %d times, want once", i, k)
		}
	}
	b.waitQueue(t, "empty, nothing unacknowledged", func(r, u, _ int) bool { return r == 0 && u == 0 })
}

// TestBreakLeavesMessageUnaccepted: the message the loop broke on, and those
// behind it, come again to the next stream; those whose body returned do not.
func TestBreakLeavesMessageUnaccepted(t *testing.T) {
	b := withBacklog(t, 20)
	c := newConsumer(t, b.config())

	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	var first []int
	for nt, err := range c.Notifications(ctx) {
		if err != nil {
			t.Fatalf("stream error: %v", err)
		}
		first = append(first, commandIndex(t, nt.Command.CommandID))
		if len(first) == 10 {
			break // the 10th (index 9) is not accepted
		}
	}
	if len(first) != 10 {
		t.Fatalf("first stream: %v", first)
	}
	// The same consumer ranges again: the message the body broke on was
	// never handled, so its redelivery is no duplicate.
	second := takeIndexes(t, c, 11, "second stream")
	slices.Sort(second)
	if want := []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}; !slices.Equal(second, want) {
		t.Fatalf("second stream got %v, want %v (the 10th again, never the first 9)", second, want)
	}
	b.waitQueue(t, "empty", func(r, u, _ int) bool { return r == 0 && u == 0 })
}

// TestConsumeHandlerErrorNotAccepted: a notification whose handler failed
// is not accepted, and Consume says so; the next Consume gets it again.
func TestConsumeHandlerErrorNotAccepted(t *testing.T) {
	b := withBacklog(t, 3)
	c := newConsumer(t, b.config())
	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()

	failOn := "cmd-000001"
	boom := errors.New("database down")
	var handled []string
	err := c.Consume(ctx, func(_ context.Context, n notify.Notification) error {
		if n.Command.CommandID == failOn {
			return boom
		}
		handled = append(handled, n.Command.CommandID)
		return nil
	})
	var he *notifyamqp.HandlerError
	if !errors.As(err, &he) || !errors.Is(err, boom) {
		t.Fatalf("Consume = %v, want a *HandlerError wrapping the handler's error", err)
	}
	if !slices.Equal(handled, []string{"cmd-000000"}) {
		t.Fatalf("handled %v before the failure", handled)
	}
	ctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	handled = nil
	err = c.Consume(ctx2, func(_ context.Context, n notify.Notification) error {
		handled = append(handled, n.Command.CommandID)
		if len(handled) == 2 {
			cancel2()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("second Consume = %v", err)
	}
	if !slices.Equal(handled, []string{"cmd-000001", "cmd-000002"}) {
		t.Fatalf("second Consume handled %v, want the failed one again, then the next", handled)
	}
}

// TestUndecodableMessageReportedAndAccepted: a body that is not a
// notification is a transient *notify.DocumentError holding the body; it
// is accepted once the loop body returned (delivering it again could not
// help), and the stream goes on.
func TestUndecodableMessageReportedAndAccepted(t *testing.T) {
	b := needBroker(t)
	b.empty(t)
	b.publisher(t).send(t, [][]byte{[]byte(`{"resource":`), []byte(`not json`), commandDoc(7)})
	c := newConsumer(t, b.config())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := newWatchdog(cancel)
	var bad [][]byte
	for n, err := range c.Notifications(ctx) {
		wd.kick()
		if err != nil {
			var de *notify.DocumentError
			if !errors.As(err, &de) || !notifyamqp.IsTransient(err) {
				t.Fatalf("want a transient *notify.DocumentError, got %v", err)
			}
			bad = append(bad, de.Document)
			continue
		}
		if n.Command == nil || n.Command.CommandID != "cmd-000007" {
			t.Fatalf("got %+v", n)
		}
		cancel()
	}
	wd.stop(t, "undecodable messages")
	if len(bad) != 2 || string(bad[0]) != `{"resource":` || string(bad[1]) != `not json` {
		t.Fatalf("reported bodies %q", bad)
	}
	b.waitQueue(t, "empty: the undecodable ones accepted too", func(r, u, _ int) bool { return r == 0 && u == 0 })
}
