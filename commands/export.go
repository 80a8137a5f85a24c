package commands

import (
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
	// DefaultExportConcurrency is Export's concurrency when
	// ExportOptions.Concurrency is 0: the eleven pages of 50 records that
	// one marker reaches (offsets 0 to 500) all at once.
	DefaultExportConcurrency = MaxOffset/MaxPageSize + 1
	// MaxExportConcurrency is the largest ExportOptions.Concurrency.
	MaxExportConcurrency = 64
)

// ExportOptions tunes Export.
type ExportOptions struct {
	// Concurrency is how many requests may be in flight at once, 1 to
	// MaxExportConcurrency; 0 means DefaultExportConcurrency. With 1,
	// Export walks the history page by page as History does, with the next
	// page fetched while the loop works on the current one. Every request
	// waits for the client's rate limiter (iotclient.WithRateLimit), so a
	// limit there bounds the request rate whatever the concurrency.
	Concurrency int
}

// Export returns an iterator over the command history of deviceID, newest
// first, like History, but fetching pages concurrently: for bulk export of
// long histories. It yields the same records in the same order, each
// exactly once, and ends as History does (after the last page, after
// yielding an error once, or when the loop breaks).
//
// IoTDA reaches the records after a marker with offsets of up to 500, so
// one marker opens a window of up to 11 pages of 50 (offsets 0, 50, ...,
// 500). Export fetches the pages of a window concurrently, yields them in
// order as they arrive, and continues from the marker of the window's last
// page. Records created during the export are newer than any marker, so
// they cannot shift the window's offsets: the first page (when q has no
// Marker) is fetched on its own to pin the first marker, then every window
// hangs off a marker.
//
// At most opts.Concurrency requests are in flight, and at most one window
// of pages is held in memory. When the loop breaks, or the iteration ends
// early with an error, the requests in flight are cancelled and their
// goroutines have ended by the time the loop statement completes; requests
// already sent may have reached the server.
//
// Invalid input (including a concurrency out of range) is yielded as a
// *iotclient.ValidationError before any request is sent.
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
	conc := opts.Concurrency
	if conc == 0 {
		conc = DefaultExportConcurrency
	}
	if conc == 1 {
		return pagination.CursorAhead(ctx, q.Marker, l.fetch)
	}
	return func(yield func(Command, error) bool) {
		e := exporter{l: l, conc: conc}
		e.run(ctx, yield)
	}
}

// exporter is the state of one Export iteration.
type exporter struct {
	l    *listing
	conc int
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

func (e *exporter) run(ctx context.Context, yield func(Command, error) bool) {
	if err := ctx.Err(); err != nil {
		yield(Command{}, err)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	size := e.l.q.pageSize()
	// Tasks send themselves here when done; the buffer holds every task
	// that can be in flight, so a goroutine never blocks on it.
	finished := make(chan *pageTask, e.conc)

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
	window := e.l.q.Marker
	// Without a marker the first page pins one: see Export.
	plan(window, e.l.q.Offset, window == "")

	// fill starts planned pages, in order, while there is room.
	fill := func() {
		for inflight < e.conc && launched < len(tasks) {
			t := tasks[launched]
			launched++
			inflight++
			wg.Go(func() {
				t.page, t.err = e.l.page(ctx, t.marker, t.offset)
				finished <- t
			})
		}
	}

	// collect takes in the pages that are done, without waiting.
	collect := func() {
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
		// slots before each: the caller's loop body may take a while.
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
