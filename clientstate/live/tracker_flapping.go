package live

import (
	"cmp"
	"slices"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// FlappingClient is a client that disconnected again and again in a
// window of time: a device in a reconnect loop, or two processes sharing
// one client ID (clientstate.CauseDuplicateClientID).
type FlappingClient struct {
	// ClientID is the client's MQTT client ID.
	ClientID string
	// Status is the client's current status.
	Status clientstate.ConnectionStatus
	// Disconnects is how many disconnects the window holds.
	Disconnects int
	// ByCause counts them by cause.
	ByCause map[clientstate.Cause]int
	// Last is the time of the newest of them.
	Last time.Time
}

// Summary is a fleet's connectivity at a glance: how many clients are in
// each status now, and why clients disconnected over a window of time.
type Summary struct {
	// At is the end of the window (see Flapping), Window its
	// length.
	At     time.Time
	Window time.Duration
	// Clients is how many clients the tracker knows; ByStatus counts them
	// by current status (StatusUnknown for a client seen only through a
	// FailedConnect). Connected and Disconnected repeat the two counts
	// everyone asks for.
	Clients                 int
	ByStatus                map[clientstate.ConnectionStatus]int
	Connected, Disconnected int
	// Disconnects is how many disconnects happened in the window, and
	// ByCause counts them by cause; each is counted once however often
	// its message arrived. DisconnectedClients is how many clients they
	// came from.
	Disconnects         int
	ByCause             map[clientstate.Cause]int
	DisconnectedClients int
}

// windowEnd is the end of the windows: the tracker's clock, or the newest
// event's time when that is later (the platform's clock may run ahead of
// this machine's). Call with the lock held.
func (t *Tracker) windowEnd() time.Time {
	now := time.Now()
	if t.cfg.Now != nil {
		now = t.cfg.Now()
	}
	if newest := fromNanos(t.store.newest); newest.After(now) {
		return newest
	}
	return now
}

// inWindow returns the changes of hist in (from, to], oldest first.
func inWindow(hist []change, from, to int64) []change {
	lo, _ := slices.BinarySearchFunc(hist, from+1, func(c change, at int64) int { return cmp.Compare(c.at, at) })
	hi, _ := slices.BinarySearchFunc(hist, to+1, func(c change, at int64) int { return cmp.Compare(c.at, at) })
	if lo >= hi {
		return nil
	}
	return hist[lo:hi]
}

// countWindow counts the disconnects of hist in (from, to] into byCause
// (indexed like causeTable) and returns how many there were and the time
// of the newest.
func countWindow(hist []change, from, to int64, byCause *[16]int) (n int, last int64) {
	for _, c := range inWindow(hist, from, to) {
		if c.isDisconnect() {
			byCause[c.cause]++
			n, last = n+1, c.at
		}
	}
	return n, last
}

// Flapping returns the clients with at least n disconnects in the window
// ending now (the tracker's clock, TrackerConfig.Now, or the newest
// event's time if the platform's clock is ahead), worst first: by
// number of disconnects, then the most recent, then by client ID. A
// window longer than TrackerConfig.DisconnectHistory counts only what the
// tracker kept; n below 1 counts as 1.
func (t *Tracker) Flapping(window time.Duration, n int) []FlappingClient {
	n = max(n, 1)
	var out []FlappingClient
	t.mu.RLock()
	to := nanos(t.windowEnd())
	from := to - int64(window)
	for i := range t.store.recs {
		r := &t.store.recs[i]
		if len(r.hist) < n {
			continue
		}
		var byCause [16]int
		count, last := countWindow(r.hist, from, to, &byCause)
		if count < n {
			continue
		}
		out = append(out, FlappingClient{
			ClientID:    t.store.ids[i],
			Status:      t.store.status(r),
			Disconnects: count,
			ByCause:     causeMap(&byCause),
			Last:        fromNanos(last),
		})
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b FlappingClient) int {
		if c := cmp.Compare(b.Disconnects, a.Disconnects); c != 0 {
			return c
		}
		if c := b.Last.Compare(a.Last); c != 0 {
			return c
		}
		return cmp.Compare(a.ClientID, b.ClientID)
	})
	return out
}

// Summary counts the clients by status now and the disconnects of the
// window ending now (as for Flapping) by cause.
func (t *Tracker) Summary(window time.Duration) Summary {
	var byCause [16]int // causeTable's indexes
	t.mu.RLock()
	defer t.mu.RUnlock()
	at := t.windowEnd()
	to := nanos(at)
	sum := Summary{At: at.UTC(), Window: window, Clients: len(t.store.recs), ByStatus: make(map[clientstate.ConnectionStatus]int)}
	byStatus := make([]int, len(t.store.statuses.values))
	for i := range t.store.recs {
		r := &t.store.recs[i]
		byStatus[r.status]++
		if n, _ := countWindow(r.hist, to-int64(window), to, &byCause); n > 0 {
			sum.DisconnectedClients++
			sum.Disconnects += n
		}
	}
	for id, n := range byStatus {
		if n > 0 {
			sum.ByStatus[clientstate.ConnectionStatus(t.store.statuses.values[id])] = n
		}
	}
	sum.ByCause = causeMap(&byCause)
	sum.Connected, sum.Disconnected = byStatus[statusConnectedID], byStatus[statusDisconnectedID]
	return sum
}

// causeMap turns counts indexed like causeTable into a map of the causes
// counted.
func causeMap(counts *[16]int) map[clientstate.Cause]int {
	m := make(map[clientstate.Cause]int)
	for i, n := range counts {
		if n > 0 {
			m[causeTable[i]] = n
		}
	}
	return m
}
