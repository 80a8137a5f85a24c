package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// Progress updates: every progressEvery records or progressInterval,
// whichever comes first.
const (
	progressEvery    = 1000
	progressInterval = 500 * time.Millisecond
)

// progress keeps a "\r1,234 commands…" line up to date on stderr during an
// export. It never writes to stdout. The zero value (off) does nothing.
type progress struct {
	w     io.Writer
	on    bool
	noun  string
	n     int
	lastN int
	start time.Time
	last  time.Time
	now   func() time.Time
}

// newProgress returns a progress line on a's stderr for records of noun
// ("commands"). It is on with --progress, off with --progress=false, and
// otherwise on when stderr is a terminal and stdout is not.
func (a *app) newProgress(flag triState, noun string) *progress {
	on := flag.on
	if !flag.set {
		on = a.autoProgress
	}
	now := time.Now()
	return &progress{w: a.stderr, on: on, noun: noun, start: now, last: now, now: time.Now}
}

// add counts one record and redraws the line when it is due.
func (p *progress) add() {
	p.n++
	if !p.on {
		return
	}
	if now := p.now(); p.n-p.lastN >= progressEvery || now.Sub(p.last) >= progressInterval {
		p.lastN, p.last = p.n, now
		fmt.Fprintf(p.w, "\r%s %s…", thousands(p.n), p.noun)
	}
}

// finish ends the line with the total, so whatever stderr says next starts
// on a line of its own.
func (p *progress) finish() {
	if !p.on {
		return
	}
	fmt.Fprintf(p.w, "\r%s %s in %s\n", thousands(p.n), p.noun, p.now().Sub(p.start).Round(time.Millisecond))
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// thousands formats n with commas: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
