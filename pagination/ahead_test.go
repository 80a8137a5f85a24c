package pagination_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/pagination"
)

// safePages is pages, safe for the fetching goroutine.
type safePages struct {
	mu sync.Mutex
	pages
}

func (p *safePages) fetch(ctx context.Context, cursor string, n int) (pagination.Page[int], error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pages.fetch(ctx, cursor, n)
}

func (p *safePages) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches
}

func TestCursorAheadYieldsWhatCursorYields(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 123} {
		p := &safePages{pages: pages{n: n, size: 10}}
		got, err := collect(t, pagination.CursorAhead(context.Background(), "", p.fetch))
		require.NoError(t, err)
		seq := &pages{n: n, size: 10}
		want, err := collect(t, pagination.Cursor(context.Background(), "", seq.fetch))
		require.NoError(t, err)
		assert.Equal(t, want, got, "n=%d", n)
		assert.Equal(t, seq.fetches, p.count(), "n=%d: no page beyond the last is fetched", n)
	}
}

// While the loop works on page j, only page j+1 may have been requested.
func TestCursorAheadFetchesOnePageAheadOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &safePages{pages: pages{n: 100, size: 10}}
		i := 0
		for v, err := range pagination.CursorAhead(context.Background(), "", p.fetch) {
			require.NoError(t, err)
			require.Equal(t, i, v)
			page := i / 10
			// Let every other goroutine run until it blocks: a prefetcher
			// that ran ahead would have fetched by now.
			synctest.Wait()
			assert.LessOrEqual(t, p.count(), page+2, "item %d", i)
			if i%10 == 0 && page < 9 {
				assert.Equal(t, page+2, p.count(), "item %d: the next page is already fetched", i)
			}
			i++
		}
		assert.Equal(t, 100, i)
		assert.Equal(t, 10, p.count())
	})
}

func TestCursorAheadOverlapsTheLoopBody(t *testing.T) {
	var started atomic.Int32
	fetch := func(ctx context.Context, cursor string, n int) (pagination.Page[int], error) {
		started.Add(1)
		if n == 2 {
			return pagination.Page[int]{Items: []int{n}}, nil
		}
		return pagination.Page[int]{Items: []int{n}, Next: strconv.Itoa(n + 1)}, nil
	}
	for v, err := range pagination.CursorAhead(context.Background(), "", fetch) {
		require.NoError(t, err)
		// While item v is being worked on, page v+1 is requested (unless
		// page v is the last).
		if v < 2 {
			require.Eventually(t, func() bool { return started.Load() == int32(v+2) }, time.Second, time.Millisecond)
		}
	}
}

func TestCursorAheadBreakCancelsTheFetchInFlight(t *testing.T) {
	// In a synctest bubble a goroutine left behind (a fetch still waiting
	// on its context) makes synctest.Test fail: no count of goroutines
	// racing with their exit.
	synctest.Test(t, func(t *testing.T) {
		cancelled := make(chan struct{})
		fetch := func(ctx context.Context, cursor string, n int) (pagination.Page[int], error) {
			if n == 0 {
				return pagination.Page[int]{Items: []int{1, 2, 3}, Next: "b"}, nil
			}
			<-ctx.Done() // a slow request, until the loop breaks
			close(cancelled)
			return pagination.Page[int]{}, ctx.Err()
		}
		for v := range pagination.CursorAhead(context.Background(), "", fetch) {
			if v == 2 {
				break
			}
		}
		select {
		case <-cancelled:
		default:
			t.Fatal("the iterator returned before the fetch in flight ended")
		}
	})
}

func TestCursorAheadErrorsAndStuckCursor(t *testing.T) {
	boom := errors.New("boom")
	calls := atomic.Int32{}
	seq := pagination.CursorAhead(context.Background(), "", func(_ context.Context, c string, n int) (pagination.Page[int], error) {
		calls.Add(1)
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
			continue
		}
		items = append(items, v)
	}
	assert.Equal(t, []error{boom}, errs)
	assert.Equal(t, []int{1, 2}, items)
	assert.Equal(t, int32(2), calls.Load())

	stuck := pagination.CursorAhead(context.Background(), "", func(_ context.Context, c string, _ int) (pagination.Page[int], error) {
		return pagination.Page[int]{Items: []int{1}, Next: "same"}, nil
	})
	got, err := collect(t, stuck)
	require.ErrorIs(t, err, pagination.ErrStuckCursor)
	assert.Equal(t, []int{1, 1}, got)
}

func TestCursorAheadStopsOnCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &safePages{pages: pages{n: 100, size: 10}}
	n := 0
	var last error
	for _, err := range pagination.CursorAhead(ctx, "", p.fetch) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	require.ErrorIs(t, last, context.Canceled)
	assert.Equal(t, 10, n)
	assert.LessOrEqual(t, p.count(), 2)

	_, err := collect(t, pagination.CursorAhead(ctx, "", p.fetch))
	require.ErrorIs(t, err, context.Canceled)
}

func TestCursorAheadRerangeable(t *testing.T) {
	p := &safePages{pages: pages{n: 30, size: 10}}
	seq := pagination.CursorAhead(context.Background(), "10", p.fetch)
	a, err := collect(t, seq)
	require.NoError(t, err)
	b, err := collect(t, seq)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, 10, a[0])
}
