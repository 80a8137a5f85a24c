package live

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// The tracker holds a fleet of up to millions of clients, so its state is
// compact: a small fixed record per client with times as int64
// nanoseconds, statuses, reasons and causes interned as small integers,
// and each client ID stored once (the index's key and ids share one
// string). TrackedState is built from a record only when asked for.

// Defaults of the history of connects and disconnects a Tracker keeps
// per client.
const (
	// DefaultHistory is how long a Tracker keeps each client's connects
	// and disconnects for Flapping and Summary, unless
	// TrackerConfig.History says otherwise.
	DefaultHistory = time.Hour
	// DefaultMaxHistory is how many connects and disconnects a Tracker
	// keeps per client at most, unless TrackerConfig.MaxHistory says
	// otherwise.
	DefaultMaxHistory = 128
)

// clientRec is what the tracker knows of one client.
type clientRec struct {
	hist    []change // the connects and disconnects kept, oldest first
	since   int64    // TrackedState.Since, as nanoseconds (0: zero time)
	updated int64    // TrackedState.Updated
	failed  int64    // TrackedState.LastFailedConnect
	code    int32    // TrackedState.LastCloseCode
	reason  uint16   // TrackedState.LastReason, interned
	status  uint16   // TrackedState.Status, interned
	cause   uint8    // TrackedState.LastCause, as an index of causeTable
	live    bool     // TrackedState.Live
}

// change is one connect or disconnect of a client: its time, its close
// code (codeConnect for a connect, codeUnknown for a disconnect a snapshot
// reported without a code) and its cause (0, CauseNone, for a connect).
type change struct {
	at    int64
	code  int32
	cause uint8
}

// Codes of changes that are not close codes.
const (
	codeUnknown = -1 // a disconnect without a reported code
	codeConnect = -2 // a connect
)

// isDisconnect reports whether c is a disconnect.
func (c change) isDisconnect() bool { return c.code != codeConnect }

// causeTable numbers the causes: index 0 is CauseNone.
var causeTable = append([]clientstate.Cause{clientstate.CauseNone}, clientstate.Causes()...)

// causeIndex returns c's index in causeTable; a cause the table does not
// hold counts as unknown.
func causeIndex(c clientstate.Cause) uint8 {
	if i := slices.Index(causeTable, c); i >= 0 {
		return uint8(i)
	}
	return causeIndex(clientstate.CauseUnknown)
}

// interned numbers strings, so that a record holds a small number where
// many clients share one value. Past 65,536 distinct values (a server gone
// wrong: the platform uses a handful) a new one reads as the first value.
type interned struct {
	index  map[string]uint16
	values []string
}

func newInterned(first ...string) interned {
	in := interned{index: make(map[string]uint16)}
	for _, s := range first {
		in.id(s)
	}
	return in
}

// id returns s's number, numbering it if it is new.
func (in *interned) id(s string) uint16 {
	if n, ok := in.index[s]; ok {
		return n
	}
	if len(in.values) > math.MaxUint16 {
		return 0
	}
	n := uint16(len(in.values))
	in.index[s] = n
	in.values = append(in.values, s)
	return n
}

// store is the state of every client the tracker knows. The tracker's
// lock guards it.
type store struct {
	index    map[string]uint32 // client ID → its position in recs and ids
	ids      []string
	recs     []clientRec
	statuses interned // index 0 is StatusUnknown
	reasons  interned // index 0 is ""
	key      []byte   // scratch space for a client ID, so a lookup allocates nothing

	newest  int64 // the newest event time seen
	keep    int64 // how long changes are kept, in nanoseconds
	maxHist int   // how many changes are kept per client
}

// Status numbers fixed for the hot path.
const (
	statusUnknownID = iota
	statusConnectedID
	statusDisconnectedID
)

func newStore(keep time.Duration, maxHist int) *store {
	if keep <= 0 {
		keep = DefaultHistory
	}
	if maxHist <= 0 {
		maxHist = DefaultMaxHistory
	}
	return &store{
		index:    make(map[string]uint32),
		statuses: newInterned(string(StatusUnknown), string(clientstate.StatusConnected), string(clientstate.StatusDisconnected)),
		reasons:  newInterned(""),
		keep:     int64(keep),
		maxHist:  maxHist,
	}
}

// record returns the record of the client id, adding it if it is new.
func (s *store) record(id string) *clientRec {
	if i, ok := s.index[id]; ok {
		return &s.recs[i]
	}
	s.index[id] = uint32(len(s.recs))
	s.ids = append(s.ids, id)
	s.recs = append(s.recs, clientRec{})
	return &s.recs[len(s.recs)-1]
}

// recordOf is record for the client of an event. The ID is written into
// scratch space for the lookup, so only a new client's ID is allocated.
func (s *store) recordOf(id clientstate.ClientID) *clientRec {
	s.key = appendClientID(s.key[:0], id)
	if i, ok := s.index[string(s.key)]; ok {
		return &s.recs[i]
	}
	return s.record(string(s.key))
}

// appendClientID appends id's wire form, as clientstate.ClientID.String
// writes it.
func appendClientID(b []byte, id clientstate.ClientID) []byte {
	b = append(b, byte(id.Kind), ':')
	b = append(b, id.Org...)
	b = append(b, ':')
	switch id.Kind {
	case clientstate.KindDevice, clientstate.KindGateway:
		b = append(b, id.TypeID...)
		b = append(b, ':')
		b = append(b, id.DeviceID...)
	default:
		b = append(b, id.AppID...)
		if id.InstanceID != "" {
			b = append(b, ':')
			b = append(b, id.InstanceID...)
		}
	}
	return b
}

// nanos is t as int64 nanoseconds since the Unix epoch, 0 for the zero
// time. Times outside 1678–2262 are clamped to that range.
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

// byTimeThenCode orders changes by time, then by code, descending: the
// order of the history.
func byTimeThenCode(a, b change) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return cmp.Compare(b.code, a.code)
}

// addChange records a connect or disconnect, once: a change already held
// (the same time and code) is not recorded again, whatever order the
// copies arrive in, and a disconnect with a code stands for one without at
// the same time (a snapshot's, which says less). Changes older than the
// history's length before the client's newest one, and the oldest beyond
// the history's size, are dropped.
func (s *store) addChange(r *clientRec, c change) {
	lo, _ := slices.BinarySearchFunc(r.hist, c.at, func(e change, at int64) int { return cmp.Compare(e.at, at) })
	for j := lo; j < len(r.hist) && r.hist[j].at == c.at; j++ {
		switch e := r.hist[j]; {
		case e.code == c.code:
			return
		case c.code == codeUnknown && e.code >= 0:
			return
		case c.code >= 0 && e.code == codeUnknown:
			r.hist = slices.Delete(r.hist, j, j+1)
		}
	}
	if n := len(r.hist); n > 0 && c.at < r.hist[n-1].at-s.keep {
		return // too old to keep
	}
	i, _ := slices.BinarySearchFunc(r.hist, c, byTimeThenCode)
	r.hist = slices.Insert(r.hist, i, c)
	drop := 0
	newest := r.hist[len(r.hist)-1].at
	for drop < len(r.hist) && r.hist[drop].at < newest-s.keep {
		drop++
	}
	drop = max(drop, len(r.hist)-s.maxHist)
	if drop > 0 {
		r.hist = slices.Delete(r.hist, 0, drop)
	}
}

// lastDisconnect returns the newest disconnect of hist.
func lastDisconnect(hist []change) (change, bool) {
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].isDisconnect() {
			return hist[i], true
		}
	}
	return change{}, false
}

// state builds the TrackedState of the client at position i.
func (s *store) state(i int) TrackedState {
	r := &s.recs[i]
	return TrackedState{
		ClientID:          s.ids[i],
		Status:            s.status(r),
		Since:             fromNanos(r.since),
		LastCloseCode:     int(r.code),
		LastReason:        s.reasons.values[r.reason],
		LastCause:         causeTable[r.cause],
		LastFailedConnect: fromNanos(r.failed),
		Updated:           fromNanos(r.updated),
		Live:              r.live,
	}
}

// status is the record's status.
func (s *store) status(r *clientRec) clientstate.ConnectionStatus {
	return clientstate.ConnectionStatus(s.statuses.values[r.status])
}
