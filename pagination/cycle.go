package pagination

import "fmt"

// cycleGuard refuses a cursor sequence that goes round in circles, in
// constant memory (Brent's cycle detection): besides the cursor just used,
// it keeps one checkpoint, moved to the current cursor after 1, 2, 4, 8, ...
// pages. A server that hands back the same cursor is caught at once; one
// that cycles through several (A, B, A, ...) is caught within about twice
// the cycle's length, after which the iterator ends with ErrStuckCursor.
// Remembering every cursor would catch a long cycle sooner but make memory
// grow with the listing.
type cycleGuard struct {
	checkpoint string
	power, run int
}

// check is called with the cursor a page came from (cursor), the cursor
// it hands on (next, non-empty) and the page's number.
func (g *cycleGuard) check(cursor, next string, n int) error {
	if next == cursor {
		return fmt.Errorf("%w: the server returned cursor %q again after page %d", ErrStuckCursor, cursor, n+1)
	}
	if next == g.checkpoint {
		return fmt.Errorf("%w: cursor %q came round again after page %d (the server's cursors form a cycle)", ErrStuckCursor, next, n+1)
	}
	if g.power == 0 {
		g.power = 1
	}
	if g.run++; g.run == g.power {
		g.checkpoint, g.power, g.run = next, g.power*2, 0
	}
	return nil
}
