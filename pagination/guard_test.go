package pagination_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/pagination"
)

// Two cursors that alternate end the iteration before a page is yielded
// twice, wherever the alternation starts: at the first cursor, at the
// start cursor itself, or after a run of good pages. Cursor does not even
// fetch a page twice (CursorAhead may have asked for the next one already).
func TestCursorRefusesAlternatingCursorsBeforeAPageRepeats(t *testing.T) {
	next := map[string]string{"": "1", "1": "2", "2": "3", "3": "4", "4": "5", "5": "A", "A": "B", "B": "A"}
	for _, start := range []string{"", "A", "B", "3"} {
		var mu sync.Mutex
		fetched := map[string]int{}
		fetch := func(_ context.Context, cursor string, _ int) (pagination.Page[string], error) {
			mu.Lock()
			fetched[cursor]++
			mu.Unlock()
			return pagination.Page[string]{Items: []string{cursor}, Next: next[cursor]}, nil
		}
		for name, seq := range map[string]func(func(string, error) bool){
			"Cursor":      pagination.Cursor(context.Background(), start, fetch),
			"CursorAhead": pagination.CursorAhead(context.Background(), start, fetch),
		} {
			clear(fetched)
			got, err := collect(t, seq)
			require.ErrorIs(t, err, pagination.ErrStuckCursor, "%s from %q", name, start)
			seen := map[string]bool{}
			for _, c := range got {
				require.False(t, seen[c], "%s from %q: the page at %q was yielded twice", name, start, c)
				seen[c] = true
			}
			assert.True(t, seen["A"] && seen["B"], "%s from %q: %v", name, start, got)
			if name == "Cursor" {
				for c, n := range fetched {
					assert.Equal(t, 1, n, "%s from %q: the page at %q", name, start, c)
				}
			}
		}
	}
}
