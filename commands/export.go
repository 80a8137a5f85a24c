package commands

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
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
		err = invalid.Field("ExportOptions.Concurrency", strconv.Itoa(opts.Concurrency),
			"must be between 1 and "+strconv.Itoa(MaxExportConcurrency)+" (0 means "+strconv.Itoa(DefaultExportConcurrency)+")")
	}
	if err != nil {
		return func(yield func(Command, error) bool) { yield(Command{}, err) }
	}
	conc := cmp.Or(opts.Concurrency, DefaultExportConcurrency)
	// The errors quote server values (markers, request IDs): scrubbed.
	if conc == 1 {
		return core.ScrubSeq(c.core, pagination.CursorAhead(ctx, q.Marker, l.fetch))
	}
	return core.ScrubSeq(c.core, func(yield func(Command, error) bool) { l.export(ctx, conc, yield) })
}

// pageResult is one fetched page of a window.
type pageResult struct {
	page pagination.Page[Command]
	err  error
}

func (l *listing) export(ctx context.Context, conc int, yield func(Command, error) bool) {
	size := cmp.Or(l.q.PageSize, DefaultPageSize)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel
	defer cancel()
	// A window is n pages from offset first; without a marker, the first
	// page alone.
	marker, first, n := l.q.Marker, l.q.Offset, 1
	if marker != "" {
		n = (MaxOffset-first)/size + 1
	}
	for {
		var r pageResult
		for _, ch := range l.window(ctx, &wg, conc, marker, first, n, size) {
			if err := ctx.Err(); err != nil {
				yield(Command{}, err)
				return
			}
			if r = <-ch; r.err != nil {
				yield(Command{}, r.err)
				return
			}
			for _, cmd := range r.page.Items {
				if !yield(cmd, nil) {
					return
				}
			}
			if len(r.page.Items) < size {
				return // a short page is the end (IoTDA does not announce it)
			}
		}
		if r.page.Next == marker {
			yield(Command{}, fmt.Errorf("%w: the platform returned marker %q again after offset %d (request ID %s)",
				pagination.ErrStuckCursor, marker, first+(n-1)*size, r.page.RequestID))
			return
		}
		marker, first, n = r.page.Next, 0, MaxOffset/size+1
	}
}

// window starts fetching the n pages at offsets first, first+size, ...
// after marker, in order, at most conc at a time, and returns one channel
// per page for its result.
func (l *listing) window(ctx context.Context, wg *sync.WaitGroup, conc int, marker string, first, n, size int) []chan pageResult {
	out := make([]chan pageResult, n)
	for i := range out {
		out[i] = make(chan pageResult, 1) // a worker never blocks on it
	}
	var next atomic.Int64
	for range min(conc, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				p, err := l.page(ctx, marker, first+i*size)
				out[i] <- pageResult{p, err}
			}
		})
	}
	return out
}
