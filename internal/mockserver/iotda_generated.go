package mockserver

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Generated histories: a device whose command history is computed from the
// record's index when a page is asked for, so a test can page through a
// million records without the server storing them (the server's memory
// stays flat, and so must the client's).

// GenerateCommands makes the history route (GET .../async-commands-history)
// of deviceID serve n generated commands, index 0 the oldest and n-1 the
// newest, computed on the fly: nothing is stored per record. Paging,
// markers, offsets and every filter work as for stored commands. Record i
// is GeneratedCommand(deviceID, n, i) (with the server's reference time).
//
// Only the history route serves them: Commands, Command, the count and
// queue routes and the lifecycle do not see them, and a generated history
// takes the place of any stored commands of the device in the history.
// Calling it again replaces n; n <= 0 removes the generated history.
func (s *Server) GenerateCommands(deviceID string, n int) {
	g := s.generated(true)
	g.mu.Lock()
	defer g.mu.Unlock()
	if n <= 0 {
		delete(g.devices, deviceID)
		return
	}
	g.devices[deviceID] = n
}

// GeneratedID is the command ID of record i of a generated history: 24 hex
// digits, increasing with i (as IDs increase with creation on the
// platform), the same whatever n.
func GeneratedID(i int) string {
	var b [24]byte
	return string(appendGeneratedID(b[:0], i))
}

func appendGeneratedID(b []byte, i int) []byte {
	const hexdigits = "0123456789abcdef"
	b = append(b, "67656e"...) // "gen"
	var d [18]byte
	v := uint64(i)
	for j := len(d) - 1; j >= 0; j-- {
		d[j] = hexdigits[v&0xf]
		v >>= 4
	}
	return append(b, d[:]...)
}

type generatedHistories struct {
	mu      sync.RWMutex
	devices map[string]int // device ID → n
}

// generated returns the server's generated histories, creating them when
// create is set (nil otherwise, until GenerateCommands is first called).
func (s *Server) generated(create bool) *generatedHistories {
	if g := s.gen.Load(); g != nil || !create {
		return g
	}
	s.gen.CompareAndSwap(nil, &generatedHistories{devices: make(map[string]int)})
	return s.gen.Load()
}

// generatedStatuses are the statuses a history record can have: final
// ones and DELIVERED, never PENDING or SENT (see inHistory).
var generatedStatuses = [...]string{
	StatusSuccessful, StatusSuccessful, StatusSuccessful, StatusSuccessful, StatusSuccessful,
	StatusSuccessful, StatusFailed, StatusTimeout, StatusExpired, StatusDelivered, StatusDelivered,
	StatusExpired, StatusSuccessful, StatusFailed, StatusSuccessful, StatusSuccessful,
}

// generatedCommand builds record i (0 = oldest) of the generated history of
// n commands of deviceID, as a server whose reference time is ref serves
// it: ID GeneratedID(i), created n-i seconds before ref. It allocates only
// the ID.
func generatedCommand(deviceID string, ref time.Time, n, i int) Command {
	c := generatedShape(ref, n, i)
	c.ID = GeneratedID(i)
	c.DeviceID = deviceID
	return c
}

// generatedShape is record i without its ID and device: what filters look
// at, allocation-free.
func generatedShape(ref time.Time, n, i int) Command {
	h := uint64(i)*0x9e3779b97f4a7c15 + 0x494f5444
	h ^= h >> 29
	t := commandTemplates[h%uint64(len(commandTemplates))]
	created := ref.Truncate(time.Second).Add(-time.Duration(n-i) * time.Second)
	c := Command{
		ServiceID: t.service,
		Name:      t.name,
		Status:    generatedStatuses[(h>>8)%uint64(len(generatedStatuses))],
		Created:   created,
	}
	c.SendStrategy, c.ExpireSeconds = StrategyImmediately, 0
	switch c.Status {
	case StatusPending, StatusExpired:
		c.SendStrategy, c.ExpireSeconds = StrategyDelay, 3600
		return c
	}
	c.Sent = created
	switch c.Status {
	case StatusDelivered, StatusSuccessful, StatusFailed:
		c.Delivered = created.Add(time.Second)
	}
	if c.Status == StatusSuccessful || c.Status == StatusFailed {
		c.Responded = created.Add(2 * time.Second)
	}
	return c
}

var generatedBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// serveGeneratedHistory answers the history of a device with a generated
// history and reports true; it reports false, writing nothing, for any
// other device. handleHistory calls it with the parsed query.
func (s *Server) serveGeneratedHistory(w http.ResponseWriter, req *request, q *commandQuery) bool {
	g := s.generated(false)
	if g == nil {
		return false
	}
	g.mu.RLock()
	n, ok := g.devices[req.deviceID]
	g.mu.RUnlock()
	if !ok {
		return false
	}
	start := n - 1
	if q.marker != "" {
		var buf [24]byte
		// Only IDs strictly smaller than the marker.
		start = sort.Search(n, func(i int) bool { return string(appendGeneratedID(buf[:0], i)) >= q.marker }) - 1
	}
	bp := generatedBufs.Get().(*[]byte)
	b := append((*bp)[:0], `{"commands":[`...)
	skip, count, last := q.offset, 0, -1
	for i := start; i >= 0 && count < q.limit; i-- {
		c := generatedShape(s.ref, n, i)
		if !q.matches(&c) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if count > 0 {
			b = append(b, ',')
		}
		b = appendGeneratedRecord(b, req.deviceID, i, &c)
		count++
		last = i
	}
	b = append(b, `],"page":{`...)
	if last >= 0 {
		b = append(b, `"marker":"`...)
		b = appendGeneratedID(b, last)
		b = append(b, '"')
	}
	b = append(b, "}}"...)
	writeBody(w, http.StatusOK, b)
	if cap(b) <= 1<<20 {
		*bp = b
		generatedBufs.Put(bp)
	}
	return true
}

// appendGeneratedRecord writes the record as commandRecord would be
// encoded for the history (no paras or result; absent times left out).
// Every string is plain ASCII needing no escape: the device ID has been
// validated and the rest is the server's own.
func appendGeneratedRecord(b []byte, deviceID string, i int, c *Command) []byte {
	b = append(b, `{"device_id":"`...)
	b = append(b, deviceID...)
	b = append(b, `","command_id":"`...)
	b = appendGeneratedID(b, i)
	b = append(b, `","service_id":"`...)
	b = append(b, c.ServiceID...)
	b = append(b, `","command_name":"`...)
	b = append(b, c.Name...)
	b = append(b, `","expire_time":`...)
	b = strconv.AppendInt(b, int64(c.ExpireSeconds), 10)
	b = append(b, `,"status":"`...)
	b = append(b, c.Status...)
	b = append(b, '"')
	for _, f := range [...]struct {
		name string
		t    time.Time
	}{{"created_time", c.Created}, {"sent_time", c.Sent}, {"delivered_time", c.Delivered}, {"response_time", c.Responded}} {
		if f.t.IsZero() {
			continue
		}
		b = append(b, `,"`...)
		b = append(b, f.name...)
		b = append(b, `":"`...)
		b = f.t.UTC().AppendFormat(b, TimeLayout)
		b = append(b, '"')
	}
	b = append(b, `,"send_strategy":"`...)
	b = append(b, c.SendStrategy...)
	return append(b, `"}`...)
}
