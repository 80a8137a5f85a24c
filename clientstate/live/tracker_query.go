package live

import (
	"cmp"
	"slices"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// State returns what the tracker knows of one client; ok is false for a
// client it has never heard of.
func (t *Tracker) State(clientID string) (st TrackedState, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.store.ids.find(clientID)
	if !ok {
		return TrackedState{}, false
	}
	return t.store.state(i), true
}

// Connected returns the clients currently connected, by client ID.
func (t *Tracker) Connected() []TrackedState {
	return t.filter(func(r *clientRec) bool { return r.status == clientstate.StatusConnected })
}

// Disconnected returns the clients currently disconnected, by client ID.
func (t *Tracker) Disconnected() []TrackedState {
	return t.filter(func(r *clientRec) bool { return r.status == clientstate.StatusDisconnected })
}

// States returns every client the tracker knows, by client ID.
func (t *Tracker) States() []TrackedState {
	return t.filter(func(*clientRec) bool { return true })
}

// Len is how many clients the tracker knows.
func (t *Tracker) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.store.recs)
}

func (t *Tracker) filter(keep func(*clientRec) bool) []TrackedState {
	t.mu.RLock()
	var out []TrackedState
	for i := range t.store.recs {
		if keep(&t.store.recs[i]) {
			out = append(out, t.store.state(i))
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b TrackedState) int { return cmp.Compare(a.ClientID, b.ClientID) })
	return out
}

// FlappingClient is a client that disconnected again and again in a window:
// a device in a reconnect loop, or two processes sharing one client ID.
type FlappingClient struct {
	ClientID    string
	Status      clientstate.ConnectionStatus // the current status
	Disconnects int                          // how many disconnects the window holds
	ByCause     map[clientstate.Cause]int    // the disconnects by cause
	Last        time.Time                    // the newest of them
}

// Summary is a fleet's connectivity at a glance: the clients by status now,
// and why clients disconnected over a window.
type Summary struct {
	At     time.Time     // the end of the window: TrackerConfig.Now when Summary ran, in UTC
	Window time.Duration // its length
	// Clients is how many clients the tracker knows; ByStatus counts them
	// by current status, Connected and Disconnected repeat two of those.
	Clients                 int
	ByStatus                map[clientstate.ConnectionStatus]int
	Connected, Disconnected int
	// Disconnects in the window, each counted once however often its
	// message arrived; ByCause by cause; DisconnectedClients is how many
	// clients they came from.
	Disconnects         int
	ByCause             map[clientstate.Cause]int
	DisconnectedClients int
}

// Flapping returns the clients with at least n (at least 1) disconnects in
// the window ending at TrackerConfig.Now, worst first: most disconnects,
// then the most recent, then by client ID. A disconnect stamped after Now
// (the platform's clock ahead of this one) counts as of Now, and Last says
// Now for it. A window longer than TrackerConfig.History counts only what
// was kept.
func (t *Tracker) Flapping(window time.Duration, n int) []FlappingClient {
	n = max(n, 1)
	var out []FlappingClient
	to := nanos(t.now())
	t.mu.RLock()
	for i := range t.store.recs {
		r := &t.store.recs[i]
		var byCause [16]int
		if count, last := countWindow(r.hist, to-int64(window), to, &byCause); count >= n {
			out = append(out, FlappingClient{ClientID: t.store.ids.at(i), Status: r.status,
				Disconnects: count, ByCause: causeMap(&byCause), Last: fromNanos(last)})
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b FlappingClient) int {
		return cmp.Or(cmp.Compare(b.Disconnects, a.Disconnects), b.Last.Compare(a.Last), cmp.Compare(a.ClientID, b.ClientID))
	})
	return out
}

// Summary counts the clients by status now and the disconnects of the
// window ending at TrackerConfig.Now (as for Flapping) by cause.
func (t *Tracker) Summary(window time.Duration) Summary {
	var byCause [16]int
	at := t.now()
	to := nanos(at)
	t.mu.RLock()
	defer t.mu.RUnlock()
	sum := Summary{At: at.UTC(), Window: window, Clients: len(t.store.recs), ByStatus: make(map[clientstate.ConnectionStatus]int)}
	for i := range t.store.recs {
		r := &t.store.recs[i]
		sum.ByStatus[r.status]++
		if n, _ := countWindow(r.hist, to-int64(window), to, &byCause); n > 0 {
			sum.DisconnectedClients++
			sum.Disconnects += n
		}
	}
	sum.ByCause = causeMap(&byCause)
	sum.Connected, sum.Disconnected = sum.ByStatus[clientstate.StatusConnected], sum.ByStatus[clientstate.StatusDisconnected]
	return sum
}
