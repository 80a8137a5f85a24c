package pagination

import (
	"context"
	"iter"
	"sync"
)

// CursorAhead is Cursor with one page fetched ahead: while the loop body
// works on a page, the next one is fetched in another goroutine, so a slow
// loop body hides the round trip. It yields what Cursor yields, in the same
// order. fetch must be safe to call concurrently with the loop body; its
// context is cancelled when the iteration ends, and no goroutine outlives
// the loop. The page after the one the loop breaks in may already have been
// requested.
func CursorAhead[T any](ctx context.Context, start string, fetch CursorFetch[T]) iter.Seq2[T, error] {
	type result struct {
		page Page[T]
		err  error
	}
	return func(yield func(T, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait() // runs after cancel
		defer cancel()
		// Cursor asks for the page at the Next of the page before, which is
		// the one pending: it checks ctx before asking, as a page may come
		// in as the caller cancels.
		var pending chan result
		ahead := func(ctx context.Context, cursor string, n int) (Page[T], error) {
			var r result
			if pending != nil {
				r = <-pending
			} else {
				r.page, r.err = fetch(ctx, cursor, n)
			}
			pending = nil
			if next := r.page.Next; r.err == nil && next != "" && next != cursor {
				ch := make(chan result, 1) // the goroutine never blocks on it
				wg.Go(func() {
					p, err := fetch(ctx, next, n+1)
					ch <- result{p, err}
				})
				pending = ch
			}
			return r.page, r.err
		}
		Cursor(ctx, start, ahead)(yield)
	}
}
