package pagination

import (
	"context"
	"errors"
	"iter"
)

// ErrStuckCursor is the error an iterator ends with when the server hands
// back the cursor it was just given, or cursors that come round in a cycle,
// which would otherwise page for ever.
var ErrStuckCursor = errors.New("pagination: cursor did not advance")

// ErrOffsetLimit is the error a listing paged by skip count (IBM connection
// logs) ends with when it goes on past the largest offset the API accepts:
// the records beyond it cannot be reached that way (narrow the query, for
// example by time).
var ErrOffsetLimit = errors.New("pagination: listing continues past the API's offset limit")

// Page is one page of a listing.
type Page[T any] struct {
	// Items are the page's records, in the server's order.
	Items []T
	// Next resumes after this page; "" when this page is the last.
	Next string
	// Total is the number of records the whole listing holds, as the
	// server reported it with this page; HasTotal says whether it did (a
	// listing without a total leaves both zero).
	Total    int
	HasTotal bool
	// RequestID is the server's ID of the request that fetched the page,
	// for support cases.
	RequestID string
}

// CursorFetch fetches the page at cursor. n counts the pages fetched so far
// in this iteration (0 for the first), so a fetch can apply options that
// belong to the first request only, such as an initial offset.
type CursorFetch[T any] func(ctx context.Context, cursor string, n int) (Page[T], error)

// Cursor returns an iterator over every item of every page, starting at
// cursor start ("" for the beginning). It ends after a page whose Next is
// empty, after an error (yielded once, with the zero T), or when the loop
// breaks, and fetches nothing more after that.
func Cursor[T any](ctx context.Context, start string, fetch CursorFetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start
		var guard cycleGuard
		for n := 0; ; n++ {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			page, err := fetch(ctx, cursor, n)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			if err := guard.check(cursor, page.Next, n); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			cursor = page.Next
		}
	}
}
