package pagination

import "fmt"

// cycleGuard refuses cursors that go round in circles in constant memory
// (Brent's cycle detection): one checkpoint, moved to the current cursor
// after 1, 2, 4, 8, ... pages, catches a cycle within about twice its
// length, where remembering every cursor would grow with the listing.
type cycleGuard struct {
	checkpoint string
	power, run int
}

// check takes the cursor a page came from, the non-empty cursor it hands
// on and the page's number.
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
