package pagination_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/pagination"
)

// pages serves items 0..n-1 in pages of size, the cursor being the next
// index, and counts fetches.
type pages struct {
	n, size int
	fetches int
	cursors []string
}

func (p *pages) fetch(_ context.Context, cursor string, _ int) (pagination.Page[int], error) {
	p.fetches++
	p.cursors = append(p.cursors, cursor)
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor)
	}
	end := min(start+p.size, p.n)
	var page pagination.Page[int]
	for i := start; i < end; i++ {
		page.Items = append(page.Items, i)
	}
	if end < p.n {
		page.Next = strconv.Itoa(end)
	}
	return page, nil
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) ([]T, error) {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestCursorYieldsEveryItemOnce(t *testing.T) {
	p := &pages{n: 123, size: 10}
	got, err := collect(t, pagination.Cursor(context.Background(), "", p.fetch))
	require.NoError(t, err)
	require.Len(t, got, 123)
	for i, v := range got {
		require.Equal(t, i, v)
	}
	assert.Equal(t, 13, p.fetches)
}

func TestCursorStopsFetchingOnBreak(t *testing.T) {
	p := &pages{n: 100, size: 10}
	n := 0
	for range pagination.Cursor(context.Background(), "", p.fetch) {
		n++
		if n == 15 {
			break
		}
	}
	assert.Equal(t, 2, p.fetches)
}

func TestCursorRerangeableAndResumes(t *testing.T) {
	p := &pages{n: 30, size: 10}
	seq := pagination.Cursor(context.Background(), "10", p.fetch)
	a, err := collect(t, seq)
	require.NoError(t, err)
	b, err := collect(t, seq)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, 10, a[0])
	assert.Equal(t, []string{"10", "20", "10", "20"}, p.cursors)
}

func TestCursorErrorYieldedOnceAndEnds(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	seq := pagination.Cursor(context.Background(), "", func(_ context.Context, c string, n int) (pagination.Page[int], error) {
		calls++
		if n == 1 {
			return pagination.Page[int]{}, boom
		}
		return pagination.Page[int]{Items: []int{1, 2}, Next: "x"}, nil
	})
	var errs []error
	var items []int
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue // a caller that keeps going must still see the end
		}
		items = append(items, v)
	}
	assert.Equal(t, []error{boom}, errs)
	assert.Equal(t, []int{1, 2}, items)
	assert.Equal(t, 2, calls)
}

func TestCursorRefusesStuckCursor(t *testing.T) {
	calls := 0
	seq := pagination.Cursor(context.Background(), "", func(_ context.Context, c string, _ int) (pagination.Page[int], error) {
		calls++
		return pagination.Page[int]{Items: []int{calls}, Next: "same"}, nil
	})
	got, err := collect(t, seq)
	require.ErrorIs(t, err, pagination.ErrStuckCursor)
	assert.Equal(t, []int{1, 2}, got)
	assert.Equal(t, 2, calls)
}

func TestCursorStopsOnCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &pages{n: 100, size: 10}
	n := 0
	var last error
	for _, err := range pagination.Cursor(ctx, "", p.fetch) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	require.ErrorIs(t, last, context.Canceled)
	assert.Equal(t, 1, p.fetches)
}

func TestCursorRefusesACycleOfCursors(t *testing.T) {
	for _, cycle := range [][]string{{"A", "B"}, {"A", "B", "C"}, {"A", "B", "C", "D", "E", "F", "G"}} {
		next := map[string]string{}
		for i, c := range cycle {
			next[c] = cycle[(i+1)%len(cycle)]
		}
		calls := 0
		fetch := func(_ context.Context, c string, _ int) (pagination.Page[int], error) {
			calls++
			if c == "" {
				return pagination.Page[int]{Items: []int{0}, Next: cycle[0]}, nil
			}
			return pagination.Page[int]{Items: []int{calls}, Next: next[c]}, nil
		}
		for name, seq := range map[string]func(func(int, error) bool){
			"Cursor":      pagination.Cursor(context.Background(), "", fetch),
			"CursorAhead": pagination.CursorAhead(context.Background(), "", fetch),
		} {
			calls = 0
			_, err := collect(t, seq)
			require.ErrorIs(t, err, pagination.ErrStuckCursor, "%s over %v", name, cycle)
			assert.LessOrEqual(t, calls, 3*len(cycle)+2, "%s over %v: caught within a few laps", name, cycle)
		}
	}
}

func TestCursorAcceptsLongNonRepeatingRuns(t *testing.T) {
	p := &pages{n: 5000, size: 1}
	got, err := collect(t, pagination.Cursor(context.Background(), "", p.fetch))
	require.NoError(t, err)
	assert.Len(t, got, 5000)
}
