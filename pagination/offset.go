package pagination

import (
	"context"
	"errors"
	"fmt"
	"iter"

	iotclient "github.com/iotclient/iotclient-go"
)

// ErrOffsetLimit is the error an offset iterator ends with when the listing
// goes on past the largest offset the API accepts: the records beyond it
// cannot be reached this way (narrow the query, for example by time).
var ErrOffsetLimit = errors.New("pagination: listing continues past the API's offset limit")

// OffsetFetch fetches up to limit records after skipping offset.
type OffsetFetch[T any] func(ctx context.Context, offset, limit int) ([]T, error)

// Offset returns an iterator over a listing paged by skip count: pages of
// pageSize records at offsets 0, pageSize, 2·pageSize, ... up to maxOffset.
// A page shorter than pageSize ends the listing; a full page at maxOffset
// ends it with ErrOffsetLimit rather than silently stopping. A page longer
// than pageSize is an error.
func Offset[T any](ctx context.Context, pageSize, maxOffset int, fetch OffsetFetch[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for offset := 0; ; offset += pageSize {
			if offset > maxOffset {
				yield(zero, fmt.Errorf("%w (offset %d > %d)", ErrOffsetLimit, offset, maxOffset))
				return
			}
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, err := fetch(ctx, offset, pageSize)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) > pageSize {
				yield(zero, fmt.Errorf("%w: the server returned %d records for a page of %d",
					iotclient.ErrMalformedResponse, len(items), pageSize))
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if len(items) < pageSize {
				return
			}
		}
	}
}
