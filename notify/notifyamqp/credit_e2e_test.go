package notifyamqp_test

import (
	"context"
	"slices"
	"testing"
)

// TestNextBatchGrantedWhileHalfWaits: with Credit 10 and a backlog, the
// consumer grants the broker the next 5 messages as soon as the 10 of the
// first grant have arrived and only half of them wait to be handled, while
// the loop body is still busy, rather than once all 10 are settled: the
// broker sends the next messages while the consumer handles these. The
// window never holds more than Credit messages not handled.
func TestNextBatchGrantedWhileHalfWaits(t *testing.T) {
	b := withBacklog(t, 100)
	cfg := b.config()
	cfg.Credit = 10
	c := newConsumer(t, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	n := 0
	for _, err := range c.Notifications(ctx) {
		if err != nil {
			t.Fatalf("stream error: %v", err)
		}
		switch n++; n {
		case 1:
			// The first grant: 10 sent, none handled yet.
			b.waitQueue(t, "the first 10 sent", func(r, u, _ int) bool { return r == 90 && u == 10 })
		case 6:
			// 1-5 handled and accepted; 6-10 wait (6 in this body), which
			// is half the window: 11-15 are granted and sent. Settling
			// first would have left 90 ready and 5 unacknowledged.
			b.waitQueue(t, "the next 5 sent while 6 is handled", func(r, u, _ int) bool { return r == 85 && u == 10 })
			cancel()
		}
	}
	if n != 6 {
		t.Fatalf("the stream ended after %d notifications", n)
	}
	if err := ctx.Err(); err != context.Canceled {
		t.Fatalf("ctx: %v", err)
	}
}

// TestCreditOfOne: with Credit 1 the consumer grants the next message once
// the last was handled, and so goes on through a backlog one at a time.
func TestCreditOfOne(t *testing.T) {
	b := withBacklog(t, 5)
	cfg := b.config()
	cfg.Credit = 1
	c := newConsumer(t, cfg)

	got := takeIndexes(t, c, 5, "credit 1")
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("got %v, want 0..4 in order", got)
	}
	b.waitQueue(t, "empty", func(r, u, _ int) bool { return r == 0 && u == 0 })
}
