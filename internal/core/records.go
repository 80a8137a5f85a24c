package core

import (
	"slices"
	"sync"
)

// Records recycles the wire records pages are decoded into. They live only
// until the page is converted to the public type, and a page of 50 is 10
// to 12 KB that the garbage collector would otherwise sweep on every page
// (about a third of what a page allocates). The zero value is ready to use.
type Records[T any] struct{ pool sync.Pool }

// Get returns an empty slice with room for n records, so the decoder fills
// it without growing it.
func (r *Records[T]) Get(n int) *[]T {
	s, _ := r.pool.Get().(*[]T)
	if s == nil {
		s = new([]T)
	}
	*s = slices.Grow((*s)[:0], n)
	return s
}

// Put clears the records, so the pool keeps no strings or maps alive, and
// keeps them for another page. Store the slice the decoder filled in *s
// first: it may have grown.
func (r *Records[T]) Put(s *[]T) {
	clear(*s)
	r.pool.Put(s)
}
