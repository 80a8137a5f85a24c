package pagination

import (
	"context"
	"iter"
	"sync"
)

// CursorAhead is Cursor with one page fetched ahead: while the loop body
// works on the items of a page, the next page (whose cursor that page
// carries) is already being fetched in another goroutine. It never fetches
// more than one page beyond the one being yielded, and when the loop breaks
// (or the iteration ends) it cancels the fetch in flight and waits for its
// goroutine to end before returning, so no goroutine outlives the loop.
//
// It yields what Cursor yields, in the same order. The differences: fetch
// runs on another goroutine (it must be safe to call concurrently with the
// loop body) and is given a context that is cancelled when the loop breaks;
// and the page after the one the loop breaks in may already have been
// requested (its request is cancelled, but it may have reached the server).
//
// It pays off when the loop body takes time (writing each record out, for
// example): the body's work then hides the round trip of the next request.
func CursorAhead[T any](ctx context.Context, start string, fetch CursorFetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		type result struct {
			page Page[T]
			err  error
		}
		launch := func(cursor string, n int) <-chan result {
			ch := make(chan result, 1) // the goroutine never blocks on it
			wg.Go(func() {
				p, err := fetch(ctx, cursor, n)
				ch <- result{p, err}
			})
			return ch
		}
		cursor := start
		var guard cycleGuard
		pending := launch(cursor, 0)
		for n := 0; ; n++ {
			r := <-pending
			if r.err == nil {
				// The page may have arrived just as the caller cancelled:
				// stop now, as Cursor would before fetching it.
				r.err = ctx.Err()
			}
			if r.err != nil {
				yield(zero, r.err)
				return
			}
			next := r.page.Next
			if next != "" && next != cursor {
				pending = launch(next, n+1)
			}
			for _, it := range r.page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if err := guard.check(cursor, next, n); err != nil {
				yield(zero, err)
				return
			}
			cursor = next
		}
	}
}
