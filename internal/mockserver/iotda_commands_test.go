package mockserver

import (
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var objectIDPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestSeedCommandsDeterministicAndConsistent(t *testing.T) {
	a := newServer(t).SeedCommands(testDevice, 500, 77)
	b := newServer(t).SeedCommands(testDevice, 500, 77)
	require.Equal(t, a, b, "same seed, same data")
	c := newServer(t).SeedCommands(testDevice, 500, 78)
	require.NotEqual(t, ids(a), ids(c))

	ref := defaultReferenceTime
	seen := map[string]int{}
	names := map[string]bool{}
	strategies := map[string]bool{}
	for i, cmd := range a {
		require.Regexp(t, objectIDPattern, cmd.ID)
		if i > 0 {
			require.Less(t, cmd.ID, a[i-1].ID, "newest first, IDs strictly decreasing")
			require.False(t, cmd.Created.After(a[i-1].Created), "IDs follow created time")
		}
		seen[cmd.Status]++
		names[cmd.Name] = true
		strategies[cmd.SendStrategy] = true
		assert.Equal(t, testDevice, cmd.DeviceID)
		assert.True(t, cmd.Created.Before(ref) && cmd.Created.After(ref.Add(-31*24*time.Hour)), "created within 30 days")
		assert.Equal(t, cmd.Created, cmd.Created.Truncate(time.Second))
		assert.True(t, jsontext.Value(cmd.Paras).IsValid() && strings.HasPrefix(string(cmd.Paras), "{"))
		switch cmd.Status {
		case StatusPending, StatusExpired:
			assert.True(t, cmd.Sent.IsZero(), "%s has no sent time", cmd.Status)
			assert.Equal(t, StrategyDelay, cmd.SendStrategy)
		default:
			assert.False(t, cmd.Sent.IsZero(), "%s has a sent time", cmd.Status)
			assert.False(t, cmd.Sent.Before(cmd.Created))
			if cmd.SendStrategy == StrategyImmediately {
				assert.Equal(t, cmd.Created, cmd.Sent)
			}
		}
		switch cmd.Status {
		case StatusSuccessful, StatusFailed:
			assert.False(t, cmd.Delivered.IsZero())
			assert.True(t, cmd.Responded.After(cmd.Delivered))
			assert.NotEmpty(t, cmd.Result)
		case StatusDelivered:
			assert.False(t, cmd.Delivered.IsZero())
			assert.True(t, cmd.Responded.IsZero())
		default:
			assert.True(t, cmd.Responded.IsZero())
		}
	}
	for _, st := range allStatuses {
		assert.Positive(t, seen[st], "status %s present", st)
	}
	assert.LessOrEqual(t, seen[StatusPending], maxSeededPending)
	assert.Greater(t, seen[StatusSuccessful], seen[StatusFailed], "a mix, mostly successful")
	for _, n := range []string{"ON_OFF", "REBOOT", "SET_INTERVAL", "FW_UPGRADE"} {
		assert.True(t, names[n], n)
	}
	assert.Len(t, strategies, 2)

	small := newServer(t).SeedCommands(testDevice, 7, 1)
	statuses := map[string]bool{}
	for _, c := range small {
		statuses[c.Status] = true
	}
	assert.Len(t, statuses, 7, "seven commands carry the seven statuses")
}

func TestGetCommand(t *testing.T) {
	s := newServer(t)
	all := s.SeedCommands(testDevice, 40, 2)
	var done Command
	for _, c := range all {
		if c.Status == StatusSuccessful {
			done = c
			break
		}
	}
	require.NotEmpty(t, done.ID)
	r := iotda(t, s, http.MethodGet, testDevice, "/async-commands/"+done.ID, nil, nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var c wireCommand
	r.decode(t, &c)
	assert.Equal(t, done.ID, c.CommandID)
	assert.JSONEq(t, string(done.Paras), string(c.Paras))
	assert.JSONEq(t, string(done.Result), string(c.Result))
	assert.Equal(t, compact(done.Responded), c.ResponseTime)
	require.NotNil(t, c.ExpireTime)

	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands/000000000000000000000000", nil, nil)
	requireIoTDAError(t, r, http.StatusNotFound, CodeCommandNotFound)
	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands/bad.id", nil, nil)
	requireIoTDAError(t, r, http.StatusBadRequest, CodeInvalidInput)
	r = iotda(t, s, http.MethodGet, "nobody", "/async-commands/"+done.ID, nil, nil)
	requireIoTDAError(t, r, http.StatusNotFound, CodeDeviceNotFound)
}

func TestCreateCommand(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)
	s := newServer(t, WithClock(func() time.Time { return now }))
	s.SeedCommands(testDevice, 30, 4)
	before := s.Commands(testDevice)

	r := iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil,
		[]byte(`{"service_id":"Switch","command_name":"ON_OFF","paras":{"value": "1"},"expire_time":0,"send_strategy":"immediately"}`))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var sent wireCommand
	r.decode(t, &sent)
	assert.Equal(t, StatusSent, sent.Status)
	assert.Equal(t, "20300102T030405Z", sent.CreatedTime)
	assert.Equal(t, sent.CreatedTime, sent.SentTime)
	assert.JSONEq(t, `{"value":"1"}`, string(sent.Paras))
	assert.Regexp(t, objectIDPattern, sent.CommandID)
	assert.Greater(t, sent.CommandID, before[0].ID, "a new command gets the largest ID")

	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil,
		[]byte(`{"service_id":"System","command_name":"REBOOT","paras":{},"expire_time":86400,"send_strategy":"delay"}`))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var pending wireCommand
	r.decode(t, &pending)
	assert.Equal(t, StatusPending, pending.Status)
	assert.Empty(t, pending.SentTime)
	assert.Equal(t, 86400, *pending.ExpireTime)
	assert.Greater(t, pending.CommandID, sent.CommandID)

	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands", vals("limit", "2"), nil)
	var queue wireHistory
	r.decode(t, &queue)
	assert.Equal(t, []string{pending.CommandID, sent.CommandID}, wireIDs(queue.Commands), "both wait in the queue")
	h := history(t, s, testDevice, vals("limit", "50"))
	assert.NotContains(t, wireIDs(h.Commands), pending.CommandID, "a PENDING command is not history yet")
	assert.NotContains(t, wireIDs(h.Commands), sent.CommandID, "nor a SENT one")

	r = iotda(t, s, http.MethodGet, testDevice, "/async-commands/"+pending.CommandID, nil, nil)
	require.Equal(t, http.StatusOK, r.status)

	big := `{"blob":"` + strings.Repeat("x", MaxParasBytes) + `"}`
	bad := []struct {
		body string
		code string
	}{
		{`not json`, CodeBadRequestFormat},
		{``, CodeBadRequestFormat},
		{`[1,2]`, CodeBadRequestFormat},
		{`{"paras":{},"send_strategy":"soon"}`, CodeInvalidInput},
		{`{"paras":{}}`, CodeInvalidInput},
		{`{"paras":[1],"send_strategy":"delay"}`, CodeInvalidInput},
		{`{"paras":"x","send_strategy":"delay"}`, CodeInvalidInput},
		{`{"send_strategy":"delay"}`, CodeInvalidInput},
		{`{"paras":{},"send_strategy":"delay","expire_time":172801}`, CodeInvalidInput},
		{`{"paras":{},"send_strategy":"delay","expire_time":-1}`, CodeInvalidInput},
		{`{"paras":{},"send_strategy":"delay","expire_time":1.5}`, CodeInvalidInput},
		{`{"paras":{},"send_strategy":"delay","service_id":"` + strings.Repeat("s", 65) + `"}`, CodeInvalidInput},
		{`{"paras":{},"send_strategy":"delay","command_name":"` + strings.Repeat("n", 129) + `"}`, CodeInvalidInput},
		{`{"paras":` + big + `,"send_strategy":"delay"}`, CodeInvalidInput},
	}
	n := len(s.Commands(testDevice))
	for _, b := range bad {
		r := iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(b.body))
		requireIoTDAError(t, r, http.StatusBadRequest, b.code)
	}
	assert.Len(t, s.Commands(testDevice), n, "refused deliveries store nothing")

	// Issue 12, point 8: send_strategy is required (the official model's
	// one required member besides paras); service_id and command_name are not.
	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(`{"paras":{},"command_name":"X"}`))
	requireIoTDAError(t, r, http.StatusBadRequest, CodeInvalidInput)
	assert.Contains(t, string(r.body), "'send_strategy' is required")
	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(`{"paras":{},"send_strategy":"delay"}`))
	require.Equal(t, http.StatusOK, r.status, "no service_id, no command_name: %s", r.body)

	ok := `{"paras":{"a":1},"send_strategy":"delay","expire_time":172800,"service_id":"` + strings.Repeat("s", 64) + `"}`
	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(ok))
	require.Equal(t, http.StatusOK, r.status, "limits are inclusive: %s", r.body)

	r = iotda(t, s, http.MethodPost, "nobody", "/async-commands", nil, []byte(ok))
	requireIoTDAError(t, r, http.StatusNotFound, CodeDeviceNotFound)
}

func TestCreateCommandPendingLimit(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	delay := []byte(`{"paras":{},"send_strategy":"delay"}`)
	for i := range MaxPendingPerDev {
		r := iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, delay)
		require.Equal(t, http.StatusOK, r.status, "pending #%d: %s", i+1, r.body)
	}
	r := iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, delay)
	requireIoTDAError(t, r, http.StatusBadRequest, CodeTooManyPending)

	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(`{"paras":{},"send_strategy":"immediately"}`))
	require.Equal(t, http.StatusOK, r.status, "immediately does not queue")

	// Moving one forward frees a slot.
	first := s.Commands(testDevice)[1]
	require.Equal(t, StatusPending, first.Status)
	require.NoError(t, s.SetCommandStatus(testDevice, first.ID, StatusSent, nil))
	r = iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, delay)
	require.Equal(t, http.StatusOK, r.status)
}

func TestSetCommandStatusLifecycle(t *testing.T) {
	clock := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	s := newServer(t, WithClock(func() time.Time { return now() }))
	s.AddCommands(testDevice, Command{Name: "ON_OFF", SendStrategy: StrategyDelay, Paras: []byte(`{}`)})
	c := s.Commands(testDevice)[0]
	assert.Equal(t, StatusPending, c.Status)
	assert.Equal(t, clock, c.Created)

	clock = clock.Add(time.Minute)
	require.NoError(t, s.SetCommandStatus(testDevice, c.ID, StatusSent, nil))
	clock = clock.Add(time.Minute)
	require.NoError(t, s.SetCommandStatus(testDevice, c.ID, StatusDelivered, nil))
	clock = clock.Add(time.Minute)
	require.NoError(t, s.SetCommandStatus(testDevice, c.ID, StatusSuccessful, jsontext.Value(`{"result_code":0}`)))

	got, ok := s.Command(testDevice, c.ID)
	require.True(t, ok)
	assert.Equal(t, StatusSuccessful, got.Status)
	assert.Equal(t, c.Created.Add(time.Minute), got.Sent)
	assert.Equal(t, c.Created.Add(2*time.Minute), got.Delivered)
	assert.Equal(t, c.Created.Add(3*time.Minute), got.Responded)
	assert.JSONEq(t, `{"result_code":0}`, string(got.Result))

	r := iotda(t, s, http.MethodGet, testDevice, "/async-commands/"+c.ID, nil, nil)
	var w wireCommand
	r.decode(t, &w)
	assert.Equal(t, StatusSuccessful, w.Status)
	assert.Equal(t, "20300101T000300Z", w.ResponseTime)

	assert.Error(t, s.SetCommandStatus(testDevice, c.ID, "DONE", nil))
	assert.Error(t, s.SetCommandStatus(testDevice, "nope", StatusSent, nil))
	assert.Error(t, s.SetCommandStatus("nobody", c.ID, StatusSent, nil))
}

func TestAddCommandsOrderAndReplace(t *testing.T) {
	s := newServer(t)
	s.AddCommands(testDevice,
		Command{ID: "000000000000000000000003", Created: time.Unix(3, 0)},
		Command{ID: "000000000000000000000001", Created: time.Unix(1, 0)},
		Command{ID: "000000000000000000000002", Created: time.Unix(2, 0)},
	)
	assert.Equal(t, []string{"000000000000000000000003", "000000000000000000000002", "000000000000000000000001"}, ids(s.Commands(testDevice)))
	s.AddCommands(testDevice, Command{ID: "000000000000000000000002", Status: StatusFailed})
	cmds := s.Commands(testDevice)
	assert.Len(t, cmds, 3)
	assert.Equal(t, StatusFailed, cmds[1].Status)

	// Generated IDs stay above hand-made ones even when they are "from the future".
	s.AddCommands(testDevice, Command{ID: "fffffffffffffffffffffff9"})
	s.AddCommands(testDevice, Command{})
	assert.Equal(t, "fffffffffffffffffffffffa", s.Commands(testDevice)[0].ID)
	assert.Equal(t, "000000000000000000000010", successor("00000000000000000000000f"))
	assert.Equal(t, "cmd-8", successor("cmd-7"))
	assert.Equal(t, "cmd-z0", successor("cmd-z"))
}

func BenchmarkHistoryPage50Of5000(b *testing.B) {
	s := newServer(b)
	all := s.SeedCommands(testDevice, 5000, 1)
	u := devicePath(s, testDevice) + "/async-commands-history?limit=50&offset=450&marker=" + all[2000].ID
	client := s.HTTPClient()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set(AuthTokenHeader, Token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var h wireHistory
		if err := json.UnmarshalRead(resp.Body, &h); err != nil || len(h.Commands) != 50 {
			b.Fatalf("decode: %v, %d records", err, len(h.Commands))
		}
		resp.Body.Close()
	}
}

func TestHistoryPageCostDoesNotGrowWithHistory(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 5000, 1)
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.iotda.devices[testDevice]
	q := commandQuery{iotdaQuery: iotdaQuery{limit: 50, offset: 500, marker: d.cmds[2500].ID}}
	allocs := testing.AllocsPerRun(20, func() { _ = q.page(d, nil) })
	assert.LessOrEqual(t, allocs, float64(4*q.limit+2), "a page allocates its records only, nothing per stored command")
	// Bytes, not time (stable under -race): a page must not copy the
	// device's 5000 commands (about 1.5 MB); see also the benchmark.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 100
	for range runs {
		_ = q.page(d, nil)
	}
	runtime.ReadMemStats(&after)
	perPage := (after.TotalAlloc - before.TotalAlloc) / runs
	assert.Less(t, perPage, uint64(64<<10), "bytes allocated per page of 50")
}
