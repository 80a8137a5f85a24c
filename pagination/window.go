package pagination

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// WindowFetch fetches the page offset records after cursor ("" for the
// start of the listing).
type WindowFetch[T any] func(ctx context.Context, cursor string, offset int) (Page[T], error)

// Window describes a listing paged by skip count: after one cursor, the
// pages at offsets 0, PageSize, 2·PageSize, ... up to MaxOffset form a
// window (IoTDA reaches 500 records past a marker; IBM's connection log,
// which has no cursor, 1000 records into the log).
type Window struct {
	// PageSize is the number of records a request asks for, at least 1:
	// a page of any other length is the listing's last.
	PageSize int
	// MaxOffset is the largest offset the API accepts.
	MaxOffset int
	// Concurrency is how many pages of a window may be in flight at once.
	// Up to 1, each page is fetched when the loop reaches it.
	Concurrency int
	// Pin fetches the first page alone when the listing starts without a
	// cursor, and goes on from the cursor it names: records added to the
	// head of the listing meanwhile cannot shift the offsets after it.
	Pin bool
}

// Windows returns an iterator over every item of a listing paged by
// windows, starting offset records after cursor start. It fetches a
// window's pages (up to w.Concurrency at a time), yields them in order, and
// goes on from the Next of the window's last page at offset 0; without a
// Next, it goes on by offset from the same cursor until MaxOffset, past
// which it ends with ErrOffsetLimit. Window cursors go through the guard
// Cursor uses: one handed back, or two that alternate, ends the iteration
// with ErrStuckCursor before a page is fetched again; a longer cycle
// within about twice its length.
//
// It ends after a page that is not w.PageSize long, after an error
// (yielded once, with the zero T), or when the loop breaks; the requests in
// flight are then cancelled, and their goroutines have ended when the loop
// statement completes. At most one window's pages are held.
func Windows[T any](ctx context.Context, start string, offset int, w Window, fetch WindowFetch[T]) iter.Seq2[T, error] {
	size := max(w.PageSize, 1)
	return func(yield func(T, error) bool) {
		var zero T
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait() // runs after cancel
		defer cancel()
		cursor, first := start, offset
		n := (w.MaxOffset-first)/size + 1 // pages in the window
		if w.Pin && cursor == "" {
			n = 1
		}
		var guard cycleGuard
		fetched := 0
		for {
			var last Page[T]
			for _, get := range startWindow(ctx, &wg, w.Concurrency, fetch, cursor, first, n, size) {
				page, ok := emit(ctx, get, yield)
				if !ok || len(page.Items) != size {
					return // a short page is the end (IoTDA does not announce it)
				}
				last = page
			}
			fetched += n
			if last.Next == "" {
				if first += n * size; first > w.MaxOffset {
					yield(zero, fmt.Errorf("%w (offset %d > %d)", ErrOffsetLimit, first, w.MaxOffset))
					return
				}
				n = (w.MaxOffset-first)/size + 1
				continue
			}
			if err := guard.check(cursor, last.Next, fetched-1); err != nil {
				yield(zero, err)
				return
			}
			cursor, first, n = last.Next, 0, w.MaxOffset/size+1
		}
	}
}

// startWindow begins fetching the n pages at offsets first, first+size,
// ... after cursor and returns, for each in order, a function that waits
// for it. With conc above 1, workers fetch the pages in order, at most conc
// at once; else each function fetches its page.
func startWindow[T any](ctx context.Context, wg *sync.WaitGroup, conc int, fetch WindowFetch[T], cursor string, first, n, size int) []func() (Page[T], error) {
	gets := make([]func() (Page[T], error), n)
	if conc <= 1 {
		for i := range gets {
			gets[i] = func() (Page[T], error) { return fetch(ctx, cursor, first+i*size) }
		}
		return gets
	}
	type result struct {
		page Page[T]
		err  error
	}
	out := make([]chan result, n)
	for i := range out {
		ch := make(chan result, 1) // a worker never blocks on it
		out[i] = ch
		gets[i] = func() (Page[T], error) {
			select {
			case r := <-ch:
				return r.page, r.err
			case <-ctx.Done(): // its worker may have stopped before fetching it
				return Page[T]{}, ctx.Err()
			}
		}
	}
	var next atomic.Int64
	for range min(conc, n) {
		wg.Go(func() {
			// A cancelled iteration asks for no more pages.
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				p, err := fetch(ctx, cursor, first+i*size)
				out[i] <- result{p, err}
			}
		})
	}
	return gets
}
