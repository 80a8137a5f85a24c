package commands

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"strconv"
	"sync"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/pagination"
)

// Concurrency limits of Export.
const (
	// DefaultExportConcurrency is the concurrency when
	// ExportOptions.Concurrency is 0: the eleven pages of 50 records one
	// marker reaches (offsets 0 to 500), all at once.
	DefaultExportConcurrency = MaxOffset/MaxPageSize + 1
	// MaxExportConcurrency is the largest ExportOptions.Concurrency.
	MaxExportConcurrency = 64
)

// ExportOptions tunes Export.
type ExportOptions struct {
	// Concurrency is how many requests may be in flight at once, 1 to
	// MaxExportConcurrency; 0 means DefaultExportConcurrency. With 1, Export
	// walks page by page, fetching the next page while the loop works on the
	// current one. The client's rate limit (iotclient.WithRateLimit) bounds
	// the request rate whatever the concurrency.
	Concurrency int
}

// Export returns an iterator over the command history of deviceID, like
// History (the same records, in the same order, each once, ending the same
// way), but fetching pages concurrently: for bulk export of long histories.
//
// IoTDA reaches the records after a marker with offsets of up to 500, so
// one marker opens a window of up to 11 pages of 50. Export fetches a
// window's pages concurrently, yields them in order, and continues from the
// marker of the window's last page. Without q.Marker the first page is
// fetched alone to pin the first marker, so records created during the
// export (newer than any marker) cannot shift the offsets.
//
// At most opts.Concurrency requests are in flight and one window is held in
// memory. When the iteration ends early, the requests in flight are
// cancelled and their goroutines have ended when the loop statement
// completes. Invalid input is yielded as a *iotclient.ValidationError
// before any request.
func (c *Client) Export(ctx context.Context, deviceID string, q HistoryQuery, opts ExportOptions) iter.Seq2[Command, error] {
	l := c.history(deviceID, q)
	err := l.check()
	if err == nil && (opts.Concurrency < 0 || opts.Concurrency > MaxExportConcurrency) {
		err = iotclient.NewValidationError("ExportOptions.Concurrency", strconv.Itoa(opts.Concurrency),
			"must be between 1 and "+strconv.Itoa(MaxExportConcurrency)+" (0 means "+strconv.Itoa(DefaultExportConcurrency)+")")
	}
	if err != nil {
		return func(yield func(Command, error) bool) { yield(Command{}, err) }
	}
	conc := cmp.Or(opts.Concurrency, DefaultExportConcurrency)
	if conc == 1 {
		return pagination.CursorAhead(ctx, q.Marker, l.fetch)
	}
	return func(yield func(Command, error) bool) { l.export(ctx, conc, yield) }
}

// pageTask is one page of a window: planned, in flight, then done.
type pageTask struct {
	marker string
	offset int
	last   bool // the window's last page: its marker opens the next window
	done   bool
	page   pagination.Page[Command]
	err    error
}

func (l *listing) export(ctx context.Context, conc int, yield func(Command, error) bool) {
	if err := ctx.Err(); err != nil {
		yield(Command{}, err)
		return
	}
	size := l.q.pageSize()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	defer cancel()
	// The buffer holds every task that can be in flight, so a goroutine
	// never blocks on it.
	finished := make(chan *pageTask, conc)

	var tasks []*pageTask // planned and unconsumed, in yield order
	launched := 0         // tasks[:launched] have been started
	inflight := 0
	plan := func(marker string, first int, single bool) {
		for off := first; off <= MaxOffset; off += size {
			tasks = append(tasks, &pageTask{marker: marker, offset: off})
			if single {
				break
			}
		}
		tasks[len(tasks)-1].last = true
	}
	window := l.q.Marker
	plan(window, l.q.Offset, window == "")
	fill := func() {
		for inflight < conc && launched < len(tasks) {
			t := tasks[launched]
			launched++
			inflight++
			wg.Go(func() {
				t.page, t.err = l.page(ctx, t.marker, t.offset)
				finished <- t
			})
		}
	}
	collect := func() { // without waiting
		for {
			select {
			case t := <-finished:
				t.done = true
				inflight--
			default:
				return
			}
		}
	}

	for {
		// Yield the pages that are done, in order, refilling the freed
		// slots first: the caller's loop body may take a while.
		for collect(); len(tasks) > 0 && tasks[0].done; collect() {
			fill()
			t := tasks[0]
			tasks[0] = nil
			tasks = tasks[1:]
			launched--
			if t.err != nil {
				yield(Command{}, t.err)
				return
			}
			for _, cmd := range t.page.Items {
				if !yield(cmd, nil) {
					return
				}
			}
			if len(t.page.Items) < size {
				return // a short page is the end (IoTDA does not announce it)
			}
			if t.last {
				next := t.page.Next
				if next == window {
					yield(Command{}, fmt.Errorf("%w: the platform returned marker %q again after offset %d (request ID %s)",
						pagination.ErrStuckCursor, next, t.offset, t.page.RequestID))
					return
				}
				window = next
				plan(window, 0, false)
			}
			if err := ctx.Err(); err != nil {
				yield(Command{}, err)
				return
			}
		}
		fill()
		if inflight == 0 {
			return // nothing planned: cannot happen after a full last page
		}
		t := <-finished
		t.done = true
		inflight--
	}
}
