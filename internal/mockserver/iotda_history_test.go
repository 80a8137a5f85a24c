package mockserver

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistoryMarkerPagingCoversEverythingOnce(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 137, 42))
	require.Greater(t, len(all), 100)

	var got []string
	marker := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10, "paging does not end")
		q := vals("limit", "50")
		if marker != "" {
			q.Set("marker", marker)
		}
		h := history(t, s, testDevice, q)
		for _, c := range h.Commands {
			if marker != "" {
				assert.Less(t, c.CommandID, marker, "marker is exclusive: only smaller IDs")
			}
		}
		got = append(got, wireIDs(h.Commands)...)
		if len(h.Commands) < 50 {
			break
		}
		require.Equal(t, h.Commands[len(h.Commands)-1].CommandID, h.Page.Marker, "marker = last record's ID")
		marker = h.Page.Marker
	}
	assert.Equal(t, ids(all), got, "newest first, each exactly once")
	assert.Equal(t, ids(HistoryOnly(s.Commands(testDevice))), got)
}

func TestHistoryDefaultAndMaxLimit(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 80, 1))

	h := history(t, s, testDevice, nil)
	assert.Equal(t, ids(all[:DefaultLimit]), wireIDs(h.Commands), "default limit is 10")
	assert.Equal(t, all[DefaultLimit-1].ID, h.Page.Marker)

	h = history(t, s, testDevice, vals("limit", "50"))
	assert.Len(t, h.Commands, 50)
	h = history(t, s, testDevice, vals("limit", "1"))
	assert.Len(t, h.Commands, 1)

	for _, tc := range []struct{ limit, code string }{
		{"0", CodeLimitOutOfRange}, {"51", CodeLimitOutOfRange}, {"-3", CodeLimitOutOfRange}, {"ten", CodeInvalidInput},
	} {
		r := iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", vals("limit", tc.limit), nil)
		requireIoTDAError(t, r, http.StatusBadRequest, tc.code)
	}
}

func TestHistoryOffset(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 700, 3))

	h := history(t, s, testDevice, vals("offset", "5"))
	assert.Equal(t, ids(all[5:15]), wireIDs(h.Commands), "offset skips from the newest")

	marker := all[19].ID
	h = history(t, s, testDevice, vals("marker", marker, "offset", "7", "limit", "3"))
	assert.Equal(t, ids(all[27:30]), wireIDs(h.Commands), "offset skips after the marker")

	// Pages 1-11 of 50 are reachable by offset alone; page 12 needs page 11's marker.
	var byOffset []string
	for off := 0; off <= MaxOffset; off += 50 {
		h := history(t, s, testDevice, vals("limit", "50", "offset", strconv.Itoa(off)))
		require.Len(t, h.Commands, 50)
		byOffset = append(byOffset, wireIDs(h.Commands)...)
		if off == MaxOffset {
			marker = h.Page.Marker
		}
	}
	assert.Equal(t, ids(all[:550]), byOffset)
	h = history(t, s, testDevice, vals("limit", "50", "marker", marker))
	assert.Equal(t, ids(all[550:600]), wireIDs(h.Commands))

	h = history(t, s, testDevice, vals("offset", "0"))
	assert.Equal(t, ids(all[:10]), wireIDs(h.Commands))
	for _, off := range []string{"501", "-1", "x"} {
		r := iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", vals("offset", off), nil)
		requireIoTDAError(t, r, http.StatusBadRequest, CodeInvalidInput)
	}
}

func TestHistoryEndAndEmptyPages(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 12, 9))

	h := history(t, s, testDevice, vals("marker", all[len(all)-1].ID))
	assert.Empty(t, h.Commands, "nothing is older than the oldest")
	assert.NotNil(t, h.Commands, "commands is [] not null")
	assert.Empty(t, h.Page.Marker)

	h = history(t, s, testDevice, vals("offset", "500"))
	assert.Empty(t, h.Commands)

	// A marker need not be a stored ID: any ID orders the records.
	h = history(t, s, testDevice, vals("marker", "ffffffffffffffffffffffff", "limit", "50"))
	assert.Equal(t, ids(all), wireIDs(h.Commands))

	s.AddDevice("empty-dev")
	h = history(t, s, "empty-dev", nil)
	assert.Empty(t, h.Commands)
}

func TestHistoryFilters(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 400, 11))

	collect := func(q map[string]string) []string {
		var out []string
		marker := ""
		for {
			v := vals("limit", "50")
			for k, x := range q {
				v.Set(k, x)
			}
			if marker != "" {
				v.Set("marker", marker)
			}
			h := history(t, s, testDevice, v)
			out = append(out, wireIDs(h.Commands)...)
			if len(h.Commands) < 50 {
				return out
			}
			marker = h.Page.Marker
		}
	}
	want := func(keep func(Command) bool) []string {
		out := []string{}
		for _, c := range all {
			if keep(c) {
				out = append(out, c.ID)
			}
		}
		return out
	}
	nonEmpty := func(xs []string) []string {
		if xs == nil {
			return []string{}
		}
		return xs
	}

	for _, st := range allStatuses {
		got := collect(map[string]string{"status": st})
		assert.Equal(t, want(func(c Command) bool { return c.Status == st }), nonEmpty(got), st)
		if st == StatusPending || st == StatusSent {
			assert.Empty(t, got, "the history holds no %s command", st)
			continue
		}
		assert.NotEmpty(t, got, "seed has every history status: %s", st)
	}
	got := collect(map[string]string{"command_name": "REBOOT"})
	assert.Equal(t, want(func(c Command) bool { return c.Name == "REBOOT" }), got)
	assert.Empty(t, collect(map[string]string{"command_name": "reboot"}), "exact name match")

	// Inclusive on both ends.
	start, end := all[300].Created, all[100].Created
	got = collect(map[string]string{"start_time": compact(start), "end_time": compact(end)})
	w := want(func(c Command) bool { return !c.Created.Before(start) && !c.Created.After(end) })
	assert.Equal(t, w, got)
	assert.Contains(t, got, all[300].ID, "start_time is inclusive")
	assert.Contains(t, got, all[100].ID, "end_time is inclusive")
	got = collect(map[string]string{"start_time": compact(start), "end_time": compact(start)})
	assert.Contains(t, got, all[300].ID, "start == end is allowed")

	got = collect(map[string]string{"start_time": compact(start), "status": StatusSuccessful, "command_name": "ON_OFF"})
	assert.Equal(t, want(func(c Command) bool {
		return !c.Created.Before(start) && c.Status == StatusSuccessful && c.Name == "ON_OFF"
	}), nonEmpty(got))

	bad := []struct {
		q    map[string]string
		code string
	}{
		{map[string]string{"start_time": "2024-01-01T00:00:00Z"}, CodeBadTimeFormat},
		{map[string]string{"end_time": "20240101"}, CodeBadTimeFormat},
		{map[string]string{"start_time": "20240102T000000Z", "end_time": "20240101T000000Z"}, CodeStartAfterEnd},
		{map[string]string{"status": "DONE"}, CodeInvalidInput},
		{map[string]string{"status": "pending"}, CodeInvalidInput},
		{map[string]string{"marker": "not a marker!"}, CodeInvalidInput},
	}
	for _, b := range bad {
		v := vals()
		for k, x := range b.q {
			v.Set(k, x)
		}
		r := iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", v, nil)
		requireIoTDAError(t, r, http.StatusBadRequest, b.code)
		r = historyCount(t, s, testDevice, v)
		if b.q["marker"] == "" {
			requireIoTDAError(t, r, http.StatusBadRequest, b.code)
		} else {
			assert.Equal(t, http.StatusOK, r.status, "count ignores paging parameters")
		}
	}
}

func TestHistoryCount(t *testing.T) {
	s := newServer(t)
	all := HistoryOnly(s.SeedCommands(testDevice, 250, 5))
	count := func(q map[string]string) int {
		v := vals()
		for k, x := range q {
			v.Set(k, x)
		}
		r := historyCount(t, s, testDevice, v)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		var c struct {
			Count *int `json:"count"`
		}
		r.decode(t, &c)
		require.NotNil(t, c.Count)
		return *c.Count
	}
	assert.Equal(t, len(all), count(nil), "the history's commands only")
	assert.Less(t, len(all), 250, "PENDING and SENT commands are not counted")
	assert.Equal(t, len(all), count(map[string]string{"limit": "5", "offset": "3"}), "paging parameters are ignored")
	n := 0
	for _, c := range all {
		if c.Status == StatusFailed {
			n++
		}
	}
	assert.Equal(t, n, count(map[string]string{"status": StatusFailed}))
	since := all[49].Created
	n = 0
	for _, c := range all {
		if !c.Created.Before(since) {
			n++
		}
	}
	assert.Equal(t, n, count(map[string]string{"start_time": compact(since)}))
}

func TestQueueListsPendingSentAndDelivered(t *testing.T) {
	s := newServer(t)
	all := s.SeedCommands(testDevice, 300, 8)
	var want []string
	for _, c := range all {
		if c.Status == StatusPending || c.Status == StatusSent || c.Status == StatusDelivered {
			want = append(want, c.ID)
		}
	}
	require.NotEmpty(t, want)

	r := iotda(t, s, http.MethodGet, testDevice, "/async-commands", vals("limit", "3"), nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var h wireHistory
	r.decode(t, &h)
	require.NotNil(t, h.Page.Count)
	assert.Equal(t, len(want), *h.Page.Count)
	assert.Equal(t, want[:min(3, len(want))], wireIDs(h.Commands))

	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands", vals("limit", "50", "marker", h.Page.Marker), nil)
	var h2 wireHistory
	r.decode(t, &h2)
	assert.Equal(t, want[min(3, len(want)):], wireIDs(h2.Commands))
	assert.Equal(t, len(want), *h2.Page.Count, "count ignores marker")

	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands", vals("status", StatusPending), nil)
	r.decode(t, &h)
	for _, c := range h.Commands {
		assert.Equal(t, StatusPending, c.Status)
	}
}

func TestHistoryRecordFields(t *testing.T) {
	s := newServer(t)
	created := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	s.AddCommands(testDevice,
		Command{ID: "5c8f3d2d3df1f10d803adbd0", ServiceID: "Switch", Name: "ON_OFF", Status: StatusExpired,
			SendStrategy: StrategyDelay, ExpireSeconds: 0, Created: created, Paras: []byte(`{"value":"1"}`)},
		Command{ID: "5c8f3d2d3df1f10d803adbd1", ServiceID: "Switch", Name: "ON_OFF", Status: StatusSuccessful,
			SendStrategy: StrategyImmediately, ExpireSeconds: 0, Created: created.Add(time.Minute),
			Sent: created.Add(time.Minute), Delivered: created.Add(61 * time.Second), Responded: created.Add(65 * time.Second),
			Result: []byte(`{"result_code":0}`)},
	)
	r := iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", nil, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"commands":[
		{"device_id":"dev-001","command_id":"5c8f3d2d3df1f10d803adbd1","service_id":"Switch","command_name":"ON_OFF",
		 "expire_time":0,"status":"SUCCESSFUL","created_time":"20240501T100100Z","sent_time":"20240501T100100Z",
		 "delivered_time":"20240501T100101Z","response_time":"20240501T100105Z","send_strategy":"immediately"},
		{"device_id":"dev-001","command_id":"5c8f3d2d3df1f10d803adbd0","service_id":"Switch","command_name":"ON_OFF",
		 "expire_time":0,"status":"EXPIRED","created_time":"20240501T100000Z","send_strategy":"delay"}],
		"page":{"marker":"5c8f3d2d3df1f10d803adbd0"}}`, string(r.body))
	assert.Contains(t, r.header.Get("Content-Type"), "application/json")
}

// Issue 12, point 6: the count request is declared as JSON by the official
// SDK; the fake refuses one that is not, so a client leaving it out fails.
func TestHistoryCountNeedsJSONContentType(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 20, 1)
	r := iotda(t, s, http.MethodPost, testDevice, "/async-commands-history/count", nil, nil)
	requireIoTDAError(t, r, http.StatusBadRequest, CodeBadRequestFormat)
	assert.Contains(t, string(r.body), "Content-Type must be application/json")
	req := newRequest(t, http.MethodPost, devicePath(s, testDevice)+"/async-commands-history/count", []byte("{}"))
	req.Header.Set(AuthTokenHeader, Token)
	req.Header.Set("Content-Type", "text/plain")
	requireIoTDAError(t, do(t, req), http.StatusBadRequest, CodeBadRequestFormat)
	r = historyCount(t, s, testDevice, nil)
	assert.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
}

// Issue 12, point 9: the history holds final statuses and DELIVERED; the
// queue holds PENDING, SENT and DELIVERED.
func TestHistoryAndQueueHoldTheDocumentedStatuses(t *testing.T) {
	s := newServer(t)
	all := s.SeedCommands(testDevice, 400, 4)
	seen := map[string]map[string]bool{"history": {}, "queue": {}}
	for name, suffix := range map[string]string{"history": "/async-commands-history", "queue": "/async-commands"} {
		marker := ""
		for {
			q := vals("limit", "50")
			if marker != "" {
				q.Set("marker", marker)
			}
			r := iotda(t, s, http.MethodGet, testDevice, suffix, q, nil)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			var h wireHistory
			r.decode(t, &h)
			for _, c := range h.Commands {
				seen[name][c.Status] = true
			}
			if len(h.Commands) < 50 {
				break
			}
			marker = h.Page.Marker
		}
	}
	assert.Equal(t, map[string]bool{StatusSuccessful: true, StatusFailed: true, StatusTimeout: true, StatusExpired: true, StatusDelivered: true},
		seen["history"])
	assert.Equal(t, map[string]bool{StatusPending: true, StatusSent: true, StatusDelivered: true}, seen["queue"])
	require.Len(t, all, 400)
}
