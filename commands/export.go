package commands

import (
	"cmp"
	"context"
	"iter"
	"strconv"

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
// marker of the window's last page (pagination.Windows). Without q.Marker
// the first page is fetched alone to pin the first marker, so records
// created during the export (newer than any marker) cannot shift the
// offsets. Window markers that repeat or go round in a cycle end the export
// with pagination.ErrStuckCursor, as they end History.
//
// At most opts.Concurrency requests are in flight and one window is held in
// memory. When the iteration ends early, the requests in flight are
// cancelled and their goroutines have ended when the loop statement
// completes. Invalid input is yielded as a *iotclient.ValidationError
// before any request.
func (c *Client) Export(ctx context.Context, deviceID string, q HistoryQuery, opts ExportOptions) iter.Seq2[Command, error] {
	l := c.history(deviceID, q)
	err := l.Check()
	if err == nil && (opts.Concurrency < 0 || opts.Concurrency > MaxExportConcurrency) {
		err = invalid.Field("ExportOptions.Concurrency", strconv.Itoa(opts.Concurrency),
			"must be between 1 and "+strconv.Itoa(MaxExportConcurrency)+" (0 means "+strconv.Itoa(DefaultExportConcurrency)+")")
	}
	if err != nil {
		return core.Fail[Command](err)
	}
	conc := cmp.Or(opts.Concurrency, DefaultExportConcurrency)
	// The errors quote server values (markers, request IDs): scrubbed.
	if conc == 1 {
		return core.ScrubSeq(c.core, pagination.CursorAhead(ctx, l.Start, l.Fetch))
	}
	w := pagination.Window{PageSize: cmp.Or(q.PageSize, DefaultPageSize), MaxOffset: MaxOffset, Concurrency: conc, Pin: true}
	return core.ScrubSeq(c.core, pagination.Windows(ctx, q.Marker, q.Offset, w, c.commandPage(deviceID, historyPath, &q)))
}
