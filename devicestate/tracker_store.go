package devicestate

import (
	"cmp"
	"slices"
	"time"
)

// The tracker holds up to millions of devices, so its state is compact: a
// small fixed record per device, times as int64 milliseconds (the
// platform's resolution), statuses as indexes into a table, each device ID
// stored once, and each device's recent status changes packed into one
// uint64 apiece.
//
// Merge rules. A device's status is newest-wins by the time of what told
// it: a notification's own time (status_update_time, else the event's), or
// for a REST read the moment of the read less TrackerConfig.ClockSkew (the
// read tells the status then, whatever changed before), or the device's
// connection_status_update_time from Get when that is later. Ties go to a
// notification over Get over List, then to the greater status, so the
// order things arrive in never matters. Every notification's change, and
// the change a Get reports, join the device's history once (same time and
// status: a duplicate), whatever the arrival order. Since and the
// disconnects are read from that history, so late and repeated
// notifications end in the same state and counts as the same notifications
// delivered once, in order.

// Defaults of the per-device history of status changes.
const (
	DefaultHistory    = 24 * time.Hour // how long a Tracker keeps them (TrackerConfig.History)
	DefaultMaxHistory = 64             // how many at most (TrackerConfig.MaxHistory)
)

// What told a device's status, in the order ties are broken.
const (
	fromList uint8 = iota
	fromGet
	fromPush
)

// change is one status change: the time in Unix milliseconds in the high
// 56 bits, the status index in the low 8, so that ordering the integers
// orders the changes by time.
type change uint64

func makeChange(ms int64, status uint8) change { return change(uint64(ms)<<8 | uint64(status)) }
func (c change) at() int64                     { return int64(c >> 8) }
func (c change) status() uint8                 { return uint8(c) }

// maxMillis is the last millisecond a change can hold (year 1141709).
const maxMillis = 1<<55 - 1

// millis is t in Unix milliseconds, clamped to what a change holds; 0 for
// the zero time and anything before 1970 (unknown).
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return min(max(t.UnixMilli(), 0), maxMillis)
}

// fromMillis is the time millis returned ms for, in UTC.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// deviceRec is what the tracker knows of one device (see TrackedDevice).
type deviceRec struct {
	hist      []change // oldest first
	updated   int64    // the time of the information the status came from
	baseSince int64    // since when baseStatus held, as a REST read said (0: unknown)
	status    uint8
	source    uint8 // fromList, fromGet or fromPush: what set the status
	base      uint8 // the status of the last REST read that set the status
}

// store is the state of every device the tracker knows, guarded by the
// tracker's lock.
type store struct {
	index    map[string]uint32 // device ID → its position in recs and ids
	ids      []string
	recs     []deviceRec
	statuses []Status // index → status; 0 is StatusUnknown
	keep     int64    // how long changes are kept, in milliseconds
	maxHist  int
}

// StatusUnknown is the Status of a device the tracker has heard of but
// whose status it does not know.
const StatusUnknown Status = ""

// knownStatuses fill the status table first, so their indexes are fixed.
var knownStatuses = []Status{StatusUnknown, StatusOnline, StatusOffline, StatusAbnormal, StatusInactive, StatusFrozen}

func newStore(keep time.Duration, maxHist int) *store {
	return &store{
		index:    make(map[string]uint32),
		statuses: slices.Clone(knownStatuses),
		keep:     cmp.Or(max(keep, 0), DefaultHistory).Milliseconds(),
		maxHist:  cmp.Or(max(maxHist, 0), DefaultMaxHistory),
	}
}

// statusIndex returns st's index in the table, adding an unknown status;
// past 255 distinct statuses the rest count as StatusUnknown.
func (s *store) statusIndex(st Status) uint8 {
	for i, known := range s.statuses {
		if known == st {
			return uint8(i)
		}
	}
	if len(s.statuses) > 255 {
		return 0
	}
	s.statuses = append(s.statuses, st)
	return uint8(len(s.statuses) - 1)
}

// record returns the record of the device id, adding it if it is new.
func (s *store) record(id string) *deviceRec {
	if i, ok := s.index[id]; ok {
		return &s.recs[i]
	}
	s.index[id] = uint32(len(s.recs))
	s.ids = append(s.ids, id)
	s.recs = append(s.recs, deviceRec{})
	return &s.recs[len(s.recs)-1]
}

// newer reports whether information (at, source, status) beats what r
// holds.
func (s *store) newer(r *deviceRec, at int64, source, status uint8) bool {
	if r.updated == 0 && r.status == 0 {
		return true // nothing known yet
	}
	return cmp.Or(cmp.Compare(at, r.updated), cmp.Compare(source, r.source),
		cmp.Compare(s.statuses[status], s.statuses[r.status])) > 0
}

// push merges a notified change at ms; it reports whether it set the
// device's status (it was the newest the tracker knew).
func (s *store) push(id string, st Status, ms int64) bool {
	r := s.record(id)
	status := s.statusIndex(st)
	if ms != 0 {
		s.addChange(r, makeChange(ms, status))
	}
	if !s.newer(r, ms, fromPush, status) {
		return false
	}
	r.status, r.updated, r.source = status, ms, fromPush
	return true
}

// read merges a device as a REST read at readMs (the tracker's clock less
// the skew) found it: Get's devices carry since when their connection
// status holds, List's do not.
func (s *store) read(d *Device, readMs int64, source uint8) {
	r := s.record(d.ID)
	status := s.statusIndex(d.Status)
	changed := int64(0)
	if source == fromGet && connectionStatus(d.Status) {
		if changed = millis(d.StatusChangedAt); changed != 0 {
			s.addChange(r, makeChange(changed, status))
		}
	}
	at := max(readMs, changed)
	if !s.newer(r, at, source, status) {
		return
	}
	if status != r.status || source == fromGet {
		r.base, r.baseSince = status, changed
	}
	r.status, r.updated, r.source = status, at, source
}

// connectionStatus reports whether connection_status_update_time dates st.
func connectionStatus(st Status) bool {
	return st == StatusOnline || st == StatusOffline || st == StatusAbnormal
}

// since is when r's status began: the oldest change of the newest run of
// that status in the history (up to the information the status came from),
// or what a REST read said when the history does not reach back. A Get's
// connection_status_update_time bounds the run: the status changed then.
func (s *store) since(r *deviceRec) int64 {
	base := int64(0)
	if r.base == r.status {
		base = r.baseSince
	}
	found := int64(0)
	for i := len(r.hist) - 1; i >= 0; i-- {
		c := r.hist[i]
		switch {
		case c.at() > r.updated:
			continue
		case base != 0 && c.at() < base:
			return cmp.Or(found, base)
		case c.status() == r.status:
			found = c.at()
			continue
		case found == 0:
			return base // a REST read set the status after this change
		}
		return found
	}
	if found == 0 || base != 0 && base < found {
		return base
	}
	return found
}

// addChange records a change once, whatever the arrival order. Changes
// older than the history's length before the newest, and the oldest past
// its size, go.
func (s *store) addChange(r *deviceRec, c change) {
	i, found := slices.BinarySearch(r.hist, c)
	if found {
		return // a duplicate
	}
	if n := len(r.hist); n > 0 && c.at() < r.hist[n-1].at()-s.keep {
		return
	}
	r.hist = slices.Insert(r.hist, i, c)
	newest := r.hist[len(r.hist)-1].at()
	drop := 0
	for drop < len(r.hist) && r.hist[drop].at() < newest-s.keep {
		drop++
	}
	if drop = max(drop, len(r.hist)-s.maxHist); drop > 0 {
		r.hist = slices.Delete(r.hist, 0, drop)
	}
}

// disconnects counts the changes of hist in (from, to] that took the
// device from a status other than OFFLINE and ABNORMAL (or from before the
// history) to one of them, by that status, and returns how many and the
// newest's time. ABNORMAL followed by OFFLINE is one disconnect.
func (s *store) disconnects(hist []change, from, to int64, byStatus *[2]int) (n int, last int64) {
	lo, _ := slices.BinarySearch(hist, makeChange(from+1, 0))
	hi, _ := slices.BinarySearch(hist, makeChange(to+1, 0))
	for i := lo; i < max(lo, hi); i++ {
		st := hist[i].status()
		if !s.statuses[st].Disconnected() || i > 0 && s.statuses[hist[i-1].status()].Disconnected() {
			continue
		}
		if s.statuses[st] == StatusOffline {
			byStatus[0]++
		} else {
			byStatus[1]++
		}
		n, last = n+1, hist[i].at()
	}
	return n, last
}

// byStatusMap turns disconnects' counts into a map.
func byStatusMap(counts *[2]int) map[Status]int {
	m := make(map[Status]int, 2)
	if counts[0] > 0 {
		m[StatusOffline] = counts[0]
	}
	if counts[1] > 0 {
		m[StatusAbnormal] = counts[1]
	}
	return m
}

func (s *store) state(i int) TrackedDevice {
	r := &s.recs[i]
	return TrackedDevice{
		DeviceID: s.ids[i],
		Status:   s.statuses[r.status],
		Since:    fromMillis(s.since(r)),
		Updated:  fromMillis(r.updated),
		Live:     r.source == fromPush,
	}
}
