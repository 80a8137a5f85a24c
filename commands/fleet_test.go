package commands_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

func fleetIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("fleet-dev-%03d", i)
	}
	return ids
}

func TestE2EFleetHistory200DevicesBy100(t *testing.T) {
	s, c := lcE2E(t, nil)
	devices := fleetIDs(200)
	want := map[string][]string{} // device → IDs newest first
	for i, d := range devices {
		for _, cmd := range historyOnly(s.Seed(d, 100, int64(i+1))) {
			want[d] = append(want[d], cmd.ID)
		}
	}
	got := map[string][]string{}
	seen := map[string]bool{}
	n := 0
	for cmd, err := range c.FleetHistory(lcCtx, devices, commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 16}) {
		require.NoError(t, err)
		key := cmd.DeviceID + "/" + cmd.ID
		require.False(t, seen[key], "duplicate %s", key)
		seen[key] = true
		got[cmd.DeviceID] = append(got[cmd.DeviceID], cmd.ID)
		n++
	}
	total, requests := 0, 0
	for _, d := range devices {
		total += len(want[d])
		requests += len(want[d])/50 + 1
	}
	assert.Equal(t, total, n, "every record exactly once")
	require.Len(t, got, 200)
	for _, d := range devices {
		require.Equal(t, want[d], got[d], "device %s: all its records, tagged with it, newest first", d)
	}
	// Pages of 50: the last one short (or empty) per device.
	assert.Equal(t, requests, s.Requests())
}

func TestE2EFleetHistoryReportsAFailingDevice(t *testing.T) {
	s, c := lcE2E(t, nil)
	devices := fleetIDs(20)
	seeded := map[string]int{}
	for i, d := range devices {
		seeded[d] = len(historyOnly(s.Seed(d, 30, int64(i+1))))
	}
	devices = append(devices[:7], append([]string{"ghost-device"}, devices[7:]...)...)

	counts := map[string]int{}
	var failures []*commands.DeviceError
	for cmd, err := range c.FleetHistory(lcCtx, devices, commands.HistoryQuery{PageSize: 10}, commands.FleetOptions{Concurrency: 4}) {
		if err != nil {
			var de *commands.DeviceError
			require.ErrorAs(t, err, &de)
			failures = append(failures, de)
			continue
		}
		counts[cmd.DeviceID]++
	}
	require.Len(t, failures, 1)
	assert.Equal(t, "ghost-device", failures[0].DeviceID)
	assert.ErrorIs(t, failures[0], iotclient.ErrNotFound)
	var ae *iotclient.APIError
	require.ErrorAs(t, failures[0], &ae)
	assert.Equal(t, "IOTDA.014000", ae.Code)
	assert.Contains(t, failures[0].Error(), "ghost-device")
	assert.Len(t, counts, 20, "the others complete")
	for d, n := range counts {
		assert.Equal(t, seeded[d], n, d)
	}
}

func TestE2EFleetHistoryStopOnError(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.Seed("a-dev", 500, 1)
	var errs int
	records := 0
	for _, err := range c.FleetHistory(lcCtx, []string{"ghost", "a-dev"}, commands.HistoryQuery{PageSize: 5},
		commands.FleetOptions{Concurrency: 1, StopOnError: true}) {
		if err != nil {
			errs++
			continue
		}
		records++
	}
	assert.Equal(t, 1, errs)
	assert.Zero(t, records, "with one worker the ghost fails first and ends the iteration")
	assert.LessOrEqual(t, s.Requests(), 2)
}

func TestFleetHistoryValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	for _, tc := range []struct {
		ids   []string
		q     commands.HistoryQuery
		opts  commands.FleetOptions
		field string
	}{
		{[]string{"a", "b/c"}, commands.HistoryQuery{}, commands.FleetOptions{}, "deviceIDs[1]"},
		{[]string{"a", "b", "a"}, commands.HistoryQuery{}, commands.FleetOptions{}, "deviceIDs[2]"},
		{[]string{"a"}, commands.HistoryQuery{PageSize: 99}, commands.FleetOptions{}, "HistoryQuery.PageSize"},
		{[]string{"a"}, commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 65}, "FleetOptions.Concurrency"},
		{[]string{"a"}, commands.HistoryQuery{}, commands.FleetOptions{Concurrency: -1}, "FleetOptions.Concurrency"},
	} {
		n := 0
		for _, err := range c.FleetHistory(lcCtx, tc.ids, tc.q, tc.opts) {
			n++
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		}
		assert.Equal(t, 1, n)
	}
	for range c.FleetHistory(lcCtx, nil, commands.HistoryQuery{}, commands.FleetOptions{}) {
		t.Fatal("no devices, no records")
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

// fleetResponder serves every device of a fake fleet: perDevice records,
// pages of the requested limit, after delay (fake time in a bubble). It
// tracks how many requests are in flight at once.
type fleetResponder struct {
	perDevice    int
	delay        time.Duration
	inFlight     atomic.Int32
	maxInFlight  atomic.Int32
	requests     atomic.Int32
	mu           sync.Mutex
	devicesAsked map[string]bool
}

func (f *fleetResponder) respond(r *http.Request) (*http.Response, error) {
	f.requests.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	parts := strings.Split(r.URL.Path, "/")
	device := parts[len(parts)-2]
	f.mu.Lock()
	f.devicesAsked[device] = true
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	start := f.perDevice
	if m := r.URL.Query().Get("marker"); m != "" {
		fmt.Sscanf(m, "%d", &start)
	}
	var limit int
	fmt.Sscanf(r.URL.Query().Get("limit"), "%d", &limit)
	var recs []string
	for id := start - 1; id >= 0 && len(recs) < limit; id-- {
		recs = append(recs, fmt.Sprintf(`{"device_id":%q,"command_id":"%06d","status":"SUCCESSFUL"}`, device, id))
	}
	resp := httpmock.NewStringResponse(200, `{"commands":[`+strings.Join(recs, ",")+`]}`)
	return resp, nil
}

func newFleetUnit(t *testing.T, f *fleetResponder) *commands.Client {
	f.devicesAsked = map[string]bool{}
	c, mt := lcUnit(t)
	mt.RegisterRegexpResponder("GET", lcRegexpHistory, f.respond)
	return c
}

var lcRegexpHistory = mustRegexp(`/devices/[^/]+/async-commands-history$`)

func TestFleetHistoryBoundsConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fleetResponder{perDevice: 120, delay: 100 * time.Millisecond}
		c := newFleetUnit(t, f)
		n := 0
		for _, err := range c.FleetHistory(lcCtx, fleetIDs(40), commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 5}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 40*120, n)
		assert.Equal(t, int32(5), f.maxInFlight.Load(), "never more than Concurrency requests at once")
	})
	synctest.Test(t, func(t *testing.T) {
		f := &fleetResponder{perDevice: 10, delay: 100 * time.Millisecond}
		c := newFleetUnit(t, f)
		for _, err := range c.FleetHistory(lcCtx, fleetIDs(30), commands.HistoryQuery{}, commands.FleetOptions{}) {
			require.NoError(t, err)
		}
		assert.Equal(t, int32(commands.DefaultFleetConcurrency), f.maxInFlight.Load())
	})
}

// TestFleetHistoryBreakLeavesNoGoroutine breaks out early. synctest.Test
// fails if any goroutine started in the bubble is still around (blocked)
// when the function returns, so a worker left behind would fail it.
func TestFleetHistoryBreakLeavesNoGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fleetResponder{perDevice: 500, delay: 50 * time.Millisecond}
		c := newFleetUnit(t, f)
		n := 0
		for _, err := range c.FleetHistory(lcCtx, fleetIDs(100), commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 10}) {
			require.NoError(t, err)
			if n++; n == 5 {
				break
			}
		}
		synctest.Wait()
		assert.LessOrEqual(t, f.requests.Load(), int32(10), "no device is started after the break")
	})
}

// TestFleetHistoryBreakLeavesNoWorker looks at every goroutine's stack
// right after the loop ends: none may still be running FleetHistory's code.
// (Counting goroutines would be disturbed by other tests' connections.)
func TestFleetHistoryBreakLeavesNoWorker(t *testing.T) {
	f := &fleetResponder{perDevice: 500}
	c := newFleetUnit(t, f)
	for range 3 {
		n := 0
		for _, err := range c.FleetHistory(lcCtx, fleetIDs(50), commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 16}) {
			require.NoError(t, err)
			if n++; n == 100 {
				break
			}
		}
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		require.NotContains(t, stacks, "commands.(*Client).FleetHistory", "a worker outlived the loop")
		require.NotContains(t, stacks, "commands.(*Client).fleetDevice", "a worker outlived the loop")
	}
}

func TestFleetHistoryContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fleetResponder{perDevice: 100, delay: time.Second}
		c := newFleetUnit(t, f)
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		var errs []error
		n := 0
		for _, err := range c.FleetHistory(ctx, fleetIDs(50), commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 4}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		require.Len(t, errs, 1, "the context's end is reported once, not once per device")
		assert.ErrorIs(t, errs[0], context.DeadlineExceeded)
		var de *commands.DeviceError
		assert.False(t, errors.As(errs[0], &de))
		assert.Equal(t, 8*50, n, "the first four devices' first two pages came in time")
	})
}

func TestFleetHistoryTagsRecordsAndRefusesStrangers(t *testing.T) {
	c, mt := lcUnit(t)
	mt.RegisterRegexpResponder("GET", lcRegexpHistory, func(r *http.Request) (*http.Response, error) {
		if strings.Contains(r.URL.Path, "/devices/b/") {
			return httpmock.NewStringResponse(200, `{"commands":[{"device_id":"intruder","command_id":"1"}]}`), nil
		}
		return httpmock.NewStringResponse(200, `{"commands":[{"command_id":"1"}]}`), nil
	})
	var tagged []string
	var errs []error
	for cmd, err := range c.FleetHistory(lcCtx, []string{"a", "b"}, commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 1}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tagged = append(tagged, cmd.DeviceID)
	}
	assert.Equal(t, []string{"a"}, tagged, "a record without device_id is tagged with its device")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], iotclient.ErrMalformedResponse)
	assert.Contains(t, errs[0].Error(), "intruder")
}

func TestFleetHistoryWithinTheRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fleetResponder{perDevice: 3}
		f.devicesAsked = map[string]bool{}
		c, mt := lcUnit(t, iotclient.WithRateLimit(10, 1))
		mt.RegisterRegexpResponder("GET", lcRegexpHistory, f.respond)
		start := time.Now()
		n := 0
		for _, err := range c.FleetHistory(lcCtx, fleetIDs(21), commands.HistoryQuery{}, commands.FleetOptions{Concurrency: 16}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 63, n)
		assert.Equal(t, int32(21), f.requests.Load())
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "21 requests at 10/s with a burst of 1 take at least 2s")
	})
}
