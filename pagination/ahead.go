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
	return func(yield func(T, error) bool) {
		var zero T
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		type result struct {
			page Page[T]
			err  error
		}
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait() // runs after cancel
		defer cancel()
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
				// The page may have come as the caller cancelled: stop as
				// Cursor would before fetching it.
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
