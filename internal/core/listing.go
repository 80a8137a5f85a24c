package core

import (
	"context"
	"iter"

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
