package pagination

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// ErrStuckCursor ends an iteration whose server hands back the cursor it
// was just given, or cursors that come round in a cycle.
var ErrStuckCursor = errors.New("pagination: cursor did not advance")

// ErrOffsetLimit ends a listing paged by skip count (IBM connection logs)
// that goes on past the largest offset the API accepts: narrow the query,
// by time for example, to reach the records beyond it.
var ErrOffsetLimit = errors.New("pagination: listing continues past the API's offset limit")

// Page is one page of a listing.
type Page[T any] struct {
	// Items are the page's records, in the server's order.
	Items []T
	// Next resumes after this page; "" when this page is the last.
	Next string
	// Total is the number of records of the whole listing, as the server
	// reported it with this page; HasTotal says whether it did.
	Total    int
	HasTotal bool
	// RequestID is the server's ID of the request, for support cases.
	RequestID string
}

// CursorFetch fetches the page at cursor. n counts the pages fetched before
// in this iteration, for options of the first request only (an offset).
type CursorFetch[T any] func(ctx context.Context, cursor string, n int) (Page[T], error)

// Cursor returns an iterator over every item of every page, starting at
// cursor start ("" for the beginning). It ends after a page whose Next is
// empty, after an error (yielded once, with the zero T), or when the loop
// breaks, and fetches nothing more after that.
func Cursor[T any](ctx context.Context, start string, fetch CursorFetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := start
		var guard cycleGuard
		for n := 0; ; n++ {
			page, ok := emit(ctx, func() (Page[T], error) { return fetch(ctx, cursor, n) }, yield)
			if !ok || page.Next == "" {
				return
			}
			if err := guard.check(cursor, page.Next, n); err != nil {
				yield(zero, err)
				return
			}
			cursor = page.Next
		}
	}
}

// emit fetches a page with get unless ctx is done, and yields its items,
// or the error once; false when the iteration ends there.
func emit[T any](ctx context.Context, get func() (Page[T], error), yield func(T, error) bool) (Page[T], bool) {
	err := ctx.Err()
	var page Page[T]
	if err == nil {
		page, err = get()
	}
	if err != nil {
		var zero T
		yield(zero, err)
		return page, false
	}
	for _, it := range page.Items {
		if !yield(it, nil) {
			return page, false
		}
	}
	return page, true
}

// cycleGuard refuses cursors that go round in circles in constant memory
// (Brent's cycle detection): one checkpoint, moved to the current cursor
// after 1, 2, 4, 8, ... pages, catches a cycle within about twice its
// length, where remembering every cursor would grow with the listing.
type cycleGuard struct {
	checkpoint string
	prev       string // the cursor before the current one: two that alternate are caught before a page is fetched again
	power, run int
}

// check takes the cursor a page came from, the non-empty cursor it hands
// on and the page's number.
func (g *cycleGuard) check(cursor, next string, n int) error {
	if next == cursor {
		return fmt.Errorf("%w: the server returned cursor %q again after page %d", ErrStuckCursor, cursor, n+1)
	}
	if next == g.checkpoint || next == g.prev {
		return fmt.Errorf("%w: cursor %q came round again after page %d (the server's cursors form a cycle)", ErrStuckCursor, next, n+1)
	}
	g.prev = cursor
	if g.power == 0 {
		g.power = 1
	}
	if g.run++; g.run == g.power {
		g.checkpoint, g.power, g.run = next, g.power*2, 0
	}
	return nil
}
