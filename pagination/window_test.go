package pagination_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/pagination"
)

// marked serves items 0..n-1 as IoTDA pages its history: the page offset
// records after the item named by the cursor ("" for before item 0), a
// full page naming its last item as the cursor to go on from. Without
// cursors (noNext), the cursor is ignored and no page names one, as IBM's
// connection log. It counts requests and the most in flight at once.
type marked struct {
	n, size  int
	noNext   bool
	mu       sync.Mutex
	requests int
	inFlight int
	most     int
}

func (m *marked) fetch(_ context.Context, cursor string, offset int) (pagination.Page[int], error) {
	m.mu.Lock()
	m.requests++
	m.inFlight++
	m.most = max(m.most, m.inFlight)
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()
	start := offset
	if cursor != "" && !m.noNext {
		i, _ := strconv.Atoi(cursor)
		start += i + 1
	}
	var p pagination.Page[int]
	for i := start; i < min(start+m.size, m.n); i++ {
		p.Items = append(p.Items, i)
	}
	if len(p.Items) == m.size && !m.noNext {
		p.Next = strconv.Itoa(p.Items[m.size-1])
	}
	return p, nil
}

func (m *marked) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests
}

func TestWindowsYieldEveryItemOnceInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 59, 60, 61, 250} {
		for _, conc := range []int{0, 1, 2, 3, 6, 20} {
			for _, pin := range []bool{false, true} {
				for _, start := range []string{"", "4"} {
					name := fmt.Sprintf("n=%d conc=%d pin=%v start=%q", n, conc, pin, start)
					m := &marked{n: n, size: 10}
					w := pagination.Window{PageSize: 10, MaxOffset: 50, Concurrency: conc, Pin: pin}
					got, err := collect(t, pagination.Windows(context.Background(), start, 3, w, m.fetch))
					require.NoError(t, err, name)
					first := 3
					if start != "" {
						first = 5 + 3
					}
					var want []int
					for i := first; i < n; i++ {
						want = append(want, i)
					}
					require.Equal(t, want, got, name)
					require.LessOrEqual(t, m.most, max(conc, 1), name)
				}
			}
		}
	}
}

// Without a cursor (IBM's connection log), the offsets run to MaxOffset and
// a listing that goes on past it ends with ErrOffsetLimit.
func TestWindowsWithoutCursorsStopAtTheOffsetLimit(t *testing.T) {
	w := pagination.Window{PageSize: 20, MaxOffset: 100}
	m := &marked{n: 115, size: 20, noNext: true}
	got, err := collect(t, pagination.Windows(context.Background(), "", 0, w, m.fetch))
	require.NoError(t, err)
	assert.Len(t, got, 115, "the page at offset 100 is short: the end")

	m = &marked{n: 500, size: 20, noNext: true}
	got, err = collect(t, pagination.Windows(context.Background(), "", 0, w, m.fetch))
	require.ErrorIs(t, err, pagination.ErrOffsetLimit)
	assert.Len(t, got, 120, "offsets 0 to 100, each once")
	assert.Equal(t, 6, m.count())
	assert.Contains(t, err.Error(), "offset 120 > 100")
}

// Cursors that are handed back or that alternate end the iteration with
// ErrStuckCursor before a page is fetched again, at any concurrency; a
// longer cycle within a few laps.
func TestWindowsRefuseCursorCycles(t *testing.T) {
	for _, cycle := range [][]string{{"A"}, {"A", "B"}, {"A", "B", "C"}, {"A", "B", "C", "D", "E"}} {
		for _, conc := range []int{1, 4} {
			for _, start := range []string{"", "A"} {
				name := fmt.Sprintf("cycle %v conc %d start %q", cycle, conc, start)
				next := map[string]string{"": cycle[0]}
				for i, c := range cycle {
					next[c] = cycle[(i+1)%len(cycle)]
				}
				var mu sync.Mutex
				requests := 0
				fetch := func(_ context.Context, cursor string, offset int) (pagination.Page[string], error) {
					mu.Lock()
					requests++
					mu.Unlock()
					return pagination.Page[string]{Items: []string{cursor + "/" + strconv.Itoa(offset)}, Next: next[cursor]}, nil
				}
				w := pagination.Window{PageSize: 1, MaxOffset: 3, Concurrency: conc, Pin: true}
				seen := map[string]bool{}
				var err error
				for it, e := range pagination.Windows(context.Background(), start, 0, w, fetch) {
					if e != nil {
						err = e
						break
					}
					if len(cycle) <= 2 {
						require.False(t, seen[it], "%s: %s yielded twice", name, it)
					}
					seen[it] = true
					require.Less(t, len(seen), 1000, name)
				}
				require.ErrorIs(t, err, pagination.ErrStuckCursor, name)
				assert.LessOrEqual(t, requests, 4*(3*len(cycle)+2), "%s: caught within a few laps", name)
			}
		}
	}
}

// An error ends the iteration after every item before it, once.
func TestWindowsErrorAfterEarlierItems(t *testing.T) {
	boom := errors.New("boom")
	for _, conc := range []int{1, 3} {
		m := &marked{n: 1000, size: 10}
		fetch := func(ctx context.Context, cursor string, offset int) (pagination.Page[int], error) {
			if cursor == "" && offset == 30 {
				return pagination.Page[int]{}, boom
			}
			return m.fetch(ctx, cursor, offset)
		}
		var got []int
		errs := 0
		for v, err := range pagination.Windows(context.Background(), "", 0, pagination.Window{PageSize: 10, MaxOffset: 50, Concurrency: conc}, fetch) {
			if err != nil {
				require.ErrorIs(t, err, boom)
				errs++
				continue
			}
			got = append(got, v)
		}
		assert.Equal(t, 1, errs)
		require.Len(t, got, 30, "conc %d", conc)
		for i, v := range got {
			require.Equal(t, i, v)
		}
	}
}

// Up to a concurrency of 1, a page is fetched when the loop reaches it:
// a break after the first item costs one request.
func TestWindowsSequentialFetchesOnDemand(t *testing.T) {
	m := &marked{n: 1000, size: 10}
	for range pagination.Windows(context.Background(), "", 0, pagination.Window{PageSize: 10, MaxOffset: 500, Concurrency: 1}, m.fetch) {
		break
	}
	assert.Equal(t, 1, m.count())
}

// A break cancels the window's requests in flight, a worker asks for no
// page once cancelled, and the iterator returns only once the goroutines
// have ended: in a synctest bubble a goroutine left behind fails the test.
func TestWindowsBreakCancelsTheRequestsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var requests, cancelled atomic.Int32
		fetch := func(ctx context.Context, _ string, offset int) (pagination.Page[int], error) {
			requests.Add(1)
			if offset > 0 { // slow requests, until the loop breaks
				<-ctx.Done()
				cancelled.Add(1)
				return pagination.Page[int]{}, ctx.Err()
			}
			return pagination.Page[int]{Items: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}, nil
		}
		w := pagination.Window{PageSize: 10, MaxOffset: 50, Concurrency: 4}
		for v := range pagination.Windows(context.Background(), "", 0, w, fetch) {
			if v == 5 {
				synctest.Wait() // the four workers wait in their requests
				break
			}
		}
		assert.Equal(t, int32(4), cancelled.Load(), "the pages at offsets 10 to 40 were in flight")
		assert.Equal(t, int32(5), requests.Load(), "the page at offset 50 was never asked for")
	})
}
