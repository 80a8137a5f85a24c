package core

import (
	"context"
	"fmt"
	"iter"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/pagination"
)

// Listing is one paged listing of a platform package. Every listing of
// both packages is built from it, so each checks its query before any
// request, pages through package pagination and scrubs what it returns.
type Listing[T any] struct {
	Client *Client
	Check  func() error              // validates the query
	Start  string                    // the cursor the query resumes at; "" for the start
	Fetch  pagination.CursorFetch[T] // the page at a cursor
}

// Page checks the query and fetches the page at Start: the one-page call.
func (l *Listing[T]) Page(ctx context.Context) (pagination.Page[T], error) {
	if err := l.Check(); err != nil {
		return pagination.Page[T]{}, err
	}
	p, err := l.Fetch(ctx, l.Start, 0)
	return p, l.Client.Scrub(err)
}

// All checks the query and returns an iterator over every item from Start
// on (pagination.Cursor).
func (l *Listing[T]) All(ctx context.Context) iter.Seq2[T, error] {
	if err := l.Check(); err != nil {
		return Fail[T](err)
	}
	return ScrubSeq(l.Client, pagination.Cursor(ctx, l.Start, l.Fetch))
}

// Fail is an iterator that yields err once and ends: bad input, refused
// before any request.
func Fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// Page converts the n records of a decoded page (convert turns record i
// into T), checking the platform's promise of no more than limit: what
// names the records in the error. Errors match
// iotclient.ErrMalformedResponse and carry the request ID.
func Page[T any](n, limit int, what, requestID string, convert func(i int) (T, error)) (pagination.Page[T], error) {
	p := pagination.Page[T]{RequestID: requestID}
	if n > limit {
		return p, fmt.Errorf("%w: the platform returned %d %s for a page of %d (request ID %s)",
			iotclient.ErrMalformedResponse, n, what, limit, requestID)
	}
	p.Items = make([]T, n)
	for i := range p.Items {
		var err error
		if p.Items[i], err = convert(i); err != nil {
			return pagination.Page[T]{}, fmt.Errorf("%w: %v (request ID %s)", iotclient.ErrMalformedResponse, err, requestID)
		}
	}
	return p, nil
}
