package main

import (
	"context"
	"fmt"
	"io"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/commands"
)

// An export that stops early (--limit, --timeout, Ctrl-C, a platform
// error) says on stderr how to resume: history with --marker (the ID of the
// last command written; IoTDA's marker is exclusive), states with
// --bookmark (IBM's opaque cursor of a page). Both come from the server and
// people paste the line, so the value is printed as a shell word
// (shellWord): escaped, and quoted when a shell would read it otherwise.

// markerTracker remembers the last command an export read.
type markerTracker struct{ last string }

// track passes seq through, noting each command's ID.
func (m *markerTracker) track(seq func(func(commands.Command, error) bool)) func(func(commands.Command, error) bool) {
	return func(yield func(commands.Command, error) bool) {
		for c, err := range seq {
			if err == nil {
				m.last = c.ID
			}
			if !yield(c, err) {
				return
			}
		}
	}
}

// hint tells how to resume after the last command written.
func (m *markerTracker) hint(w io.Writer, n int) {
	if m.last == "" {
		return
	}
	fmt.Fprintf(w, "iotctl history: stopped after %d commands; resume after the last one with --marker %s\n", n, shellWord(m.last))
}

// bookmarkPager lists client states page by page, so that it knows the
// bookmark that resumes where the export stopped.
type bookmarkPager struct {
	cur, next    string // the bookmark of the page being read, and of the page after it
	inPage, size int    // records yielded of the page being read, and its size
	fetched      bool
}

// list yields the states matching q, from q.Bookmark, a page at a time.
func (b *bookmarkPager) list(ctx context.Context, c *clientstate.Client, q clientstate.ListQuery) func(func(clientstate.State, error) bool) {
	return func(yield func(clientstate.State, error) bool) {
		b.next = q.Bookmark
		for {
			q.Bookmark = b.next
			items, next, err := statesPage(ctx, c, q)
			if err != nil {
				yield(clientstate.State{}, err)
				return
			}
			b.cur, b.next, b.inPage, b.size, b.fetched = q.Bookmark, next, 0, len(items), true
			for _, st := range items {
				b.inPage++
				if !yield(st, nil) {
					return
				}
			}
			if next == "" || len(items) == 0 {
				return
			}
		}
	}
}

// statesPage fetches one page: its records and the bookmark of the next
// ("" on the last page).
func statesPage(ctx context.Context, c *clientstate.Client, q clientstate.ListQuery) ([]clientstate.State, string, error) {
	p, err := c.ListPage(ctx, q)
	return p.Items, p.Next, err
}

// hint tells how to resume: after the page read to its end, or from the
// start of the page the export stopped in (repeating what it wrote of it).
func (b *bookmarkPager) hint(w io.Writer, n int) {
	switch {
	case !b.fetched:
		return
	case b.inPage == b.size && b.next != "":
		fmt.Fprintf(w, "iotctl states: stopped after %d clients; resume with --bookmark %s\n", n, shellWord(b.next))
	case b.inPage < b.size && b.cur != "":
		fmt.Fprintf(w, "iotctl states: stopped after %d clients; resume with --bookmark %s (it repeats the last %d)\n", n, shellWord(b.cur), b.inPage)
	case b.inPage < b.size:
		fmt.Fprintf(w, "iotctl states: stopped after %d clients, within the first page: run it again without --limit\n", n)
	}
}
