package mockserver

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// TimeLayout is IoTDA's compact UTC time format (yyyyMMdd'T'HHmmss'Z'),
// used in records and in the start_time / end_time parameters.
const TimeLayout = "20060102T150405Z"

// Paging limits of the history and queue calls.
const (
	DefaultLimit = 10  // records per page without limit
	MaxLimit     = 50  // largest limit
	MaxOffset    = 500 // largest offset
)

// commandQuery is a parsed history / queue / count query.
//
// Time filters are inclusive on both ends and apply to the created time:
// start_time <= created_time <= end_time (equal start and end are allowed).
type commandQuery struct {
	iotdaQuery
	status, name string
}

// iotdaQuery is what IoTDA's listings (commands and devices) take alike:
// paging by limit, offset and marker, and a time window on the created
// time.
type iotdaQuery struct {
	limit, offset int
	marker        string
	start, end    time.Time // zero = unset
}

// parsePaging reads limit, offset and marker; markerOK tells a well-formed
// marker, and badMarker is the message for one that is not.
func (q *iotdaQuery) parsePaging(v url.Values, markerOK func(string) bool, badMarker string) *iotdaErr {
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return badInput("The parameter 'limit' must be an integer.")
		}
		if n < 1 || n > MaxLimit {
			return &iotdaErr{http.StatusBadRequest, CodeLimitOutOfRange, "Invalid input. The specified parameter 'limit' is out of range."}
		}
		q.limit = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > MaxOffset {
			return badInput("The parameter 'offset' must be an integer between 0 and 500.")
		}
		q.offset = n
	}
	if s := v.Get("marker"); s != "" {
		if !markerOK(s) {
			return badInput(badMarker)
		}
		q.marker = s
	}
	return nil
}

// parseWindow reads start_time and end_time, which must not be reversed.
func (q *iotdaQuery) parseWindow(v url.Values) *iotdaErr {
	for _, p := range [2]struct {
		name string
		dst  *time.Time
	}{{"start_time", &q.start}, {"end_time", &q.end}} {
		if s := v.Get(p.name); s != "" {
			t, err := time.Parse(TimeLayout, s)
			if err != nil {
				return &iotdaErr{http.StatusBadRequest, CodeBadTimeFormat, "Invalid input. Invalid time format: '" + p.name + "' must look like 20151212T121212Z."}
			}
			*p.dst = t
		}
	}
	if !q.start.IsZero() && !q.end.IsZero() && q.start.After(q.end) {
		return &iotdaErr{http.StatusBadRequest, CodeStartAfterEnd, "Invalid input. The start time must be earlier than the end time."}
	}
	return nil
}

func (q *commandQuery) matches(c *Command) bool {
	switch {
	case q.status != "" && c.Status != q.status:
		return false
	case q.name != "" && c.Name != q.name:
		return false
	case !q.start.IsZero() && c.Created.Before(q.start):
		return false
	case !q.end.IsZero() && c.Created.After(q.end):
		return false
	}
	return true
}

// parseCommandQuery validates the query parameters. With paging false the
// paging parameters (limit, offset, marker) are ignored, as the count call
// takes filters only. Empty values count as absent.
func parseCommandQuery(v url.Values, paging bool) (commandQuery, *iotdaErr) {
	q := commandQuery{iotdaQuery: iotdaQuery{limit: DefaultLimit}}
	if paging {
		if err := q.parsePaging(v, validCommandID, "The parameter 'marker' is not a valid record ID."); err != nil {
			return q, err
		}
	}
	if err := q.parseWindow(v); err != nil {
		return q, err
	}
	if s := v.Get("status"); s != "" {
		if !validStatus(s) {
			return q, badInput("The parameter 'status' must be one of PENDING, EXPIRED, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT.")
		}
		q.status = s
	}
	q.name = v.Get("command_name")
	return q, nil
}

// page walks d's commands newest first from just below the marker, keeps
// those matching q and keep (nil = all), skips q.offset of them and returns
// up to q.limit. Cost: O(log n + records visited), no copying or sorting.
func (q *commandQuery) page(d *device, keep func(*Command) bool) []commandRecord {
	start := len(d.cmds) - 1
	if q.marker != "" {
		start = d.search(q.marker) - 1 // only IDs strictly smaller
	}
	skip := q.offset
	out := make([]commandRecord, 0, min(q.limit, start+1))
	for i := start; i >= 0 && len(out) < q.limit; i-- {
		c := &d.cmds[i]
		if !q.matches(c) || (keep != nil && !keep(c)) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, toRecord(c, false))
	}
	return out
}

// count is the number of d's commands matching q's filters and keep,
// regardless of marker, offset and limit.
func (q *commandQuery) count(d *device, keep func(*Command) bool) int {
	n := 0
	for i := range d.cmds {
		c := &d.cmds[i]
		if q.matches(c) && (keep == nil || keep(c)) {
			n++
		}
	}
	return n
}

// validDeviceID: 1-128 characters of [A-Za-z0-9_-].
func validDeviceID(s string) bool { return validIDChars(s, 128) }

// validCommandID: 1-100 characters of [A-Za-z0-9_-].
func validCommandID(s string) bool { return validIDChars(s, 100) }

func validIDChars(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
