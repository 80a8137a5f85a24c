package live

import (
	"cmp"
	"slices"
	"time"
	"unique"

	"github.com/iotclient/iotclient-go/clientstate"
)

// The tracker holds up to millions of clients, so its state is compact: a
// small fixed record per client, times as int64 nanoseconds, statuses and
// reasons interned (package unique), causes as small integers, each client
// ID stored once, in binary when it ends in a UUID (see idTable).
//
// Merge rules: Status is newest-wins by Updated, and Since follows from
// the client's history (see connectedSince); the last close code, reason
// and cause follow the newest Disconnect by time, and LastFailedConnect
// the newest FailedConnect, whatever the arrival order; every Disconnect
// is recorded once in the client's history. So late and repeated events
// end in the same state and counts as the same events delivered once, in
// order.

// Defaults of the per-client history of connects and disconnects.
const (
	DefaultHistory    = time.Hour // how long a Tracker keeps them (TrackerConfig.History)
	DefaultMaxHistory = 128       // how many at most (TrackerConfig.MaxHistory)
)

// clientRec is what the tracker knows of one client (see TrackedState).
type clientRec struct {
	hist                   []change // oldest first
	since, updated, failed int64    // Since, Updated, LastFailedConnect
	status                 clientstate.ConnectionStatus
	reason                 unique.Handle[string] // LastReason: 8 bytes, shared by the clients with that reason
	code                   int32                 // LastCloseCode
	cause                  uint8                 // LastCause, as an index of causeTable
	live                   bool
}

// noReason is the reason of a client without one: the zero Handle, which
// has no Value.
var noReason unique.Handle[string]

func (r *clientRec) lastReason() string {
	if r.reason == noReason {
		return ""
	}
	return r.reason.Value()
}

// change is one connect or disconnect of a client; code is codeConnect for
// a connect and codeUnknown for a disconnect a snapshot gave without a code.
type change struct {
	at    int64
	code  int32
	cause uint8
}

const (
	codeUnknown = -1
	codeConnect = -2
)

func (c change) isDisconnect() bool { return c.code != codeConnect }

// offline reports whether a disconnect with this close code left the client
// offline (clientstate.CloseCodes): all but a client-ID reuse.
func offline(code int32) bool {
	c, _ := clientstate.LookupCloseCode(int(code))
	return c.Offline
}

// causeTable numbers the causes: index 0 is CauseNone.
var causeTable = append([]clientstate.Cause{clientstate.CauseNone}, clientstate.Causes()...)

// causeIndex returns c's index in causeTable, unknown causes as CauseUnknown.
func causeIndex(c clientstate.Cause) uint8 {
	if i := slices.Index(causeTable, c); i >= 0 {
		return uint8(i)
	}
	return causeIndex(clientstate.CauseUnknown)
}

// store is the state of every client the tracker knows, guarded by the
// tracker's lock.
type store struct {
	ids     idTable // numbers the clients: a client's record is recs[its number]
	recs    []clientRec
	keep    int64 // how long changes are kept, in nanoseconds
	maxHist int
}

func newStore(keep time.Duration, maxHist int) *store {
	return &store{
		ids:     newIDTable(),
		keep:    int64(cmp.Or(max(keep, 0), DefaultHistory)),
		maxHist: cmp.Or(max(maxHist, 0), DefaultMaxHistory),
	}
}

// record returns the record of the client id, adding it if it is new.
func (s *store) record(id string) *clientRec {
	n, added := s.ids.add(id)
	if added {
		s.recs = append(s.recs, clientRec{})
	}
	return &s.recs[n]
}

// nanos is t in Unix nanoseconds, 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the time nanos returned n for, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// load merges one state of the REST snapshot: it replaces what the tracker
// knows unless an event told something newer, and its last connect and
// disconnect join the history. now is the tracker's clock (see addChange).
func (s *store) load(st *clientstate.State, now int64) {
	r := s.record(st.ClientID)
	updated := max(nanos(st.LastConnected), nanos(st.LastDisconnected))
	if at := nanos(st.LastDisconnected); at != 0 {
		code := int32(codeUnknown) // who disconnected it, but no code
		if st.HasDisconnectReasonCode || st.DisconnectReasonCode != 0 {
			code = int32(st.DisconnectReasonCode)
		}
		cause := causeIndex(st.Cause())
		if last, ok := lastDisconnect(r.hist); !ok || at > last.at {
			r.code, r.reason, r.cause = int32(st.DisconnectReasonCode), noReason, cause
		}
		s.addChange(r, change{at: at, code: code, cause: cause}, now)
	} else if _, ok := lastDisconnect(r.hist); !ok {
		r.code, r.cause = int32(st.DisconnectReasonCode), causeIndex(st.Cause())
	}
	if at := nanos(st.LastConnected); at != 0 && st.Status == clientstate.StatusConnected {
		s.addChange(r, change{at: at, code: codeConnect}, now)
	}
	if r.updated > updated {
		return
	}
	r.status = clientstate.ConnectionStatus(unique.Make(string(st.Status)).Value())
	switch st.Status {
	case clientstate.StatusConnected:
		r.since = nanos(st.LastConnected)
	case clientstate.StatusDisconnected:
		r.since = nanos(st.LastDisconnected)
	default:
		r.since = 0
	}
	r.updated = updated
	r.live = false
}

// apply merges one event; it reports whether the event was news for the
// client's status (not older than what the tracker knew). now is the
// tracker's clock (see addChange).
func (s *store) apply(ev *Event, now int64) bool {
	r := s.record(ev.ClientID)
	at := nanos(ev.Time)
	applied := s.applyStatus(r, ev, at, now)
	if r.status == clientstate.StatusConnected && r.hist != nil {
		r.since = connectedSince(r.hist, r.updated, r.since)
	}
	return applied
}

func (s *store) applyStatus(r *clientRec, ev *Event, at, now int64) bool {
	switch ev.Action {
	case ActionConnect:
		s.addChange(r, change{at: at, code: codeConnect}, now)
	case ActionDisconnect:
		cause := causeIndex(ev.Cause())
		if last, ok := lastDisconnect(r.hist); !ok || at >= last.at {
			r.code, r.cause = int32(ev.CloseCode), cause
			r.reason = unique.Make(ev.Reason)
		}
		s.addChange(r, change{at: at, code: int32(ev.CloseCode), cause: cause}, now)
	case ActionFailedConnect:
		r.failed = max(r.failed, at)
	}
	if at < r.updated {
		return false
	}
	switch ev.Action {
	case ActionConnect:
		r.status, r.since = clientstate.StatusConnected, at
	case ActionDisconnect:
		switch {
		case !ev.ClientIDReused():
			r.status, r.since = clientstate.StatusDisconnected, at
		case r.status != clientstate.StatusConnected && at > r.updated:
			// A new connection holds the ID (its own Connect may have been
			// published first, leaving this as the retained state).
			r.status, r.since = clientstate.StatusConnected, at
		}
	case ActionFailedConnect:
		// It says nothing of an open connection, and an older event may
		// still come: leave Updated alone.
		r.live = true
		return true
	default:
		return false
	}
	r.updated = at
	r.live = true
	return true
}

// connectedSince is when a connected client's current connection began:
// the newest connect after its last real disconnect, as a Connect newer
// than what the tracker knew starts a new connection (a retained Connect
// also overwrites the Disconnect before it on the broker, so none may come
// between). A client-ID reuse (288) starts none: the client never went
// offline. Without a connect after the last real disconnect, it is the
// oldest reuse after it, or since when older or when the newest change is
// a real disconnect. Only changes up to updated count, so it reads the same
// whatever order late events filled the history in.
func connectedSince(hist []change, updated, since int64) int64 {
	reuse := int64(0)
	for i := len(hist) - 1; i >= 0; i-- {
		switch c := hist[i]; {
		case c.at > updated:
		case c.code == codeConnect:
			return c.at
		case !offline(c.code):
			reuse = c.at
		case reuse == 0:
			return since // the newest is a real disconnect
		default:
			return reuse
		}
	}
	if reuse == 0 || since != 0 && since < reuse {
		return since
	}
	return reuse
}

// addChange records a change once: a copy (same time and code) is
// dropped whatever the arrival order, and a disconnect with a code replaces
// a snapshot's without one at the same time. Changes older than the
// history's length before the newest, and the oldest past its size, go;
// the newest counts as now at most, so one change stamped in the future
// (by a clock ahead of the tracker's) pushes out none of the recent ones.
func (s *store) addChange(r *clientRec, c change, now int64) {
	lo, _ := slices.BinarySearchFunc(r.hist, c.at, func(e change, at int64) int { return cmp.Compare(e.at, at) })
	for j := lo; j < len(r.hist) && r.hist[j].at == c.at; j++ {
		switch e := r.hist[j]; {
		case e.code == c.code, c.code == codeUnknown && e.code >= 0:
			return
		case c.code >= 0 && e.code == codeUnknown:
			r.hist = slices.Delete(r.hist, j, j+1)
		}
	}
	if n := len(r.hist); n > 0 && c.at < min(r.hist[n-1].at, now)-s.keep {
		return
	}
	// Ordered by time, then by code descending.
	i, _ := slices.BinarySearchFunc(r.hist, c, func(a, b change) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(b.code, a.code)) })
	r.hist = slices.Insert(r.hist, i, c)
	newest := min(r.hist[len(r.hist)-1].at, now)
	drop := 0
	for drop < len(r.hist) && r.hist[drop].at < newest-s.keep {
		drop++
	}
	if drop = max(drop, len(r.hist)-s.maxHist); drop > 0 {
		r.hist = slices.Delete(r.hist, 0, drop)
	}
}

func lastDisconnect(hist []change) (change, bool) {
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].isDisconnect() {
			return hist[i], true
		}
	}
	return change{}, false
}

// countWindow counts the disconnects of hist in the window (from, to] into
// byCause (indexed like causeTable) and returns how many and the newest's
// time. A disconnect stamped after to counts as of to: a clock ahead of
// the tracker's neither hides it nor moves the window.
func countWindow(hist []change, from, to int64, byCause *[16]int) (n int, last int64) {
	if to <= from {
		return 0, 0
	}
	lo, _ := slices.BinarySearchFunc(hist, from+1, func(c change, at int64) int { return cmp.Compare(c.at, at) })
	for _, c := range hist[lo:] {
		if c.isDisconnect() {
			byCause[c.cause]++
			n, last = n+1, min(c.at, to)
		}
	}
	return n, last
}

// causeMap turns counts indexed like causeTable into a map.
func causeMap(counts *[16]int) map[clientstate.Cause]int {
	m := make(map[clientstate.Cause]int)
	for i, n := range counts {
		if n > 0 {
			m[causeTable[i]] = n
		}
	}
	return m
}

func (s *store) state(i int) TrackedState {
	r := &s.recs[i]
	return TrackedState{
		ClientID:          s.ids.at(i),
		Status:            r.status,
		Since:             fromNanos(r.since),
		LastCloseCode:     int(r.code),
		LastReason:        r.lastReason(),
		LastCause:         causeTable[r.cause],
		LastFailedConnect: fromNanos(r.failed),
		Updated:           fromNanos(r.updated),
		Live:              r.live,
	}
}
