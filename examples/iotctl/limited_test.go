package main

import (
	"errors"
	"iter"
	"slices"
	"testing"
)

// limited passes on the first n items, all of them for n 0, and stops at
// the first error, for devices and states alike.
func TestLimited(t *testing.T) {
	errBroken := errors.New("broken")
	seq := func(items ...int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			for _, it := range items {
				var err error
				if it < 0 {
					err = errBroken
				}
				if !yield(it, err) {
					return
				}
			}
		}
	}
	collect := func(s iter.Seq2[int, error]) (got []int, errs int) {
		for it, err := range s {
			if err != nil {
				errs++
				continue
			}
			got = append(got, it)
		}
		return got, errs
	}
	for _, tc := range []struct {
		items []int
		n     int
		want  []int
		errs  int
	}{
		{[]int{1, 2, 3, 4}, 2, []int{1, 2}, 0},
		{[]int{1, 2, 3}, 0, []int{1, 2, 3}, 0},
		{[]int{1, 2}, 5, []int{1, 2}, 0},
		{[]int{1, -1, 3}, 0, []int{1}, 1},
	} {
		got, errs := collect(limited(seq(tc.items...), tc.n))
		if !slices.Equal(got, tc.want) || errs != tc.errs {
			t.Errorf("limited(%v, %d) = %v with %d errors, want %v with %d", tc.items, tc.n, got, errs, tc.want, tc.errs)
		}
	}
}
