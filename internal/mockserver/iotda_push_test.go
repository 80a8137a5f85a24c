package mockserver

import (
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// A command delivered through the API and moved on by the lifecycle makes
// one document per status, in the spec's shape, POSTed as JSON.
func TestPushOneDocumentPerStatusChange(t *testing.T) {
	s, clk, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1}})
	id := lcDeliver(t, s, "ON_OFF", StrategyImmediately, 0)
	r.waitFor(t, 1)
	clk.Advance(DefaultDeliverAfter)
	s.runLifecycle()
	r.waitFor(t, 2)
	clk.Advance(DefaultRespondAfter)
	s.runLifecycle()
	docs := r.waitFor(t, 3)
	settle(t, s)
	require.Len(t, r.docs(), 3, "one document per change, no more")

	start, delivered, done := compact(lcStart), compact(lcStart.Add(DefaultDeliverAfter)), compact(lcStart.Add(DefaultDeliverAfter+DefaultRespondAfter))
	want := []struct{ status, eventTime, sent, delivered, responded string }{
		{StatusSent, start, start, "", ""},
		{StatusDelivered, delivered, start, delivered, ""},
		{StatusSuccessful, done, start, delivered, done},
	}
	for i, w := range want {
		d := docs[i]
		assert.Equal(t, http.MethodPost, d.method)
		assert.Equal(t, "/push", d.path)
		assert.Equal(t, "application/json; charset=utf-8", d.contentType)
		assert.Equal(t, ResourceCommandStatus, d.doc.Resource)
		assert.Equal(t, EventUpdate, d.doc.Event)
		assert.Equal(t, w.eventTime, d.doc.EventTime, "event_time of %s", w.status)
		at, err := time.Parse(pushMSLayout, d.doc.EventTimeMS)
		require.NoError(t, err, "event_time_ms %q", d.doc.EventTimeMS)
		assert.Equal(t, w.eventTime, compact(at))
		assert.Regexp(t, uuidShape, d.doc.RequestID)
		h := d.doc.NotifyData.Header
		assert.Equal(t, PushAppID, h.AppID)
		assert.Equal(t, testDevice, h.DeviceID)
		assert.Equal(t, testDevice, h.GatewayID)
		b := d.doc.NotifyData.Body
		assert.Equal(t, id, b.CommandID)
		assert.Equal(t, w.status, b.Status)
		assert.Equal(t, start, b.CreatedTime)
		assert.Equal(t, w.sent, b.SentTime)
		assert.Equal(t, w.delivered, b.DeliveredTime)
		assert.Equal(t, w.responded, b.ResponseTime)
	}
	assert.JSONEq(t, string(LifecycleSuccessResult), string(docs[2].doc.NotifyData.Body.Result))
	assert.Empty(t, docs[0].doc.NotifyData.Body.Result, "no result before the device answers")
	assert.Len(t, byRequestID(docs), 3, "every document has its own request_id")

	st := s.PushStats()
	assert.Equal(t, PushStats{Events: 3, Attempts: 3, Sent: 3}, st)
}

// A delayed command is pushed PENDING first, unless SkipPending; a failed
// outcome carries the failure result; SetCommandStatus pushes a change,
// not a repeat.
func TestPushPendingFailedAndSetStatus(t *testing.T) {
	s, clk, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1}})
	id := lcDeliver(t, s, "FAILS", StrategyDelay, 0)
	clk.Advance(DefaultSendAfter + DefaultDeliverAfter + DefaultRespondAfter)
	s.runLifecycle()
	docs := r.waitFor(t, 4)
	var statuses []string
	for _, d := range docs {
		statuses = append(statuses, d.doc.NotifyData.Body.Status)
	}
	assert.Equal(t, []string{StatusPending, StatusSent, StatusDelivered, StatusFailed}, statuses)
	assert.JSONEq(t, string(LifecycleFailureResult), string(docs[3].doc.NotifyData.Body.Result))

	require.NoError(t, s.SetCommandStatus(testDevice, id, StatusFailed, nil))
	require.NoError(t, s.SetCommandStatus(testDevice, id, StatusSuccessful, []byte(`{"ok":1}`)))
	docs = r.waitFor(t, 5)
	settle(t, s)
	require.Len(t, r.docs(), 5, "setting the status it has is no change")
	assert.Equal(t, StatusSuccessful, docs[4].doc.NotifyData.Body.Status)
	assert.JSONEq(t, `{"ok":1}`, string(docs[4].doc.NotifyData.Body.Result))

	s.PushTo(Push{URL: r.ts.URL + "/push", PushOptions: PushOptions{Workers: 1, SkipPending: true}})
	lcDeliver(t, s, "ON_OFF", StrategyDelay, 0)
	clk.Advance(DefaultSendAfter)
	s.runLifecycle()
	docs = r.waitFor(t, 6)
	settle(t, s)
	require.Len(t, r.docs(), 6)
	assert.Equal(t, StatusSent, docs[5].doc.NotifyData.Body.Status, "no PENDING document with SkipPending")
}

// A server without a push URL makes no documents; stored and seeded
// commands push nothing until they change.
func TestPushNothingWithoutURLOrChange(t *testing.T) {
	r := newReceiver(t)
	s := newServer(t)
	s.AddDevice(testDevice)
	ids := addSent(s, 3)
	require.NoError(t, s.SetCommandStatus(testDevice, ids[0], StatusDelivered, nil))
	assert.Equal(t, PushStats{}, s.PushStats())

	s.PushTo(Push{URL: r.ts.URL})
	s.SeedCommands("other", 20, 1)
	require.NoError(t, s.SetCommandStatus(testDevice, ids[1], StatusDelivered, nil))
	docs := r.waitFor(t, 1)
	settle(t, s)
	require.Len(t, r.docs(), 1)
	assert.Equal(t, ids[1], docs[0].doc.NotifyData.Body.CommandID)

	s.PushTo(Push{})
	require.NoError(t, s.SetCommandStatus(testDevice, ids[2], StatusDelivered, nil))
	settle(t, s)
	assert.Len(t, r.docs(), 1, "an empty URL stops pushing")
	assert.Equal(t, 1, s.PushStats().Events)
}

// Devices going online and offline push device.status documents.
func TestPushDeviceStatus(t *testing.T) {
	s, clk, r := pushServer(t, Push{PushOptions: PushOptions{Workers: 1}})
	const dev = "prod1_node-7"
	s.AddDevice(dev)
	require.NoError(t, s.SetDeviceConnection(dev, "ONLINE"))
	require.NoError(t, s.SetDeviceConnection(dev, "ONLINE"), "no change, no document")
	clk.Advance(90*time.Second + 250*time.Millisecond)
	require.NoError(t, s.SetDeviceConnection(dev, "OFFLINE"))
	docs := r.waitFor(t, 2)
	settle(t, s)
	require.Len(t, r.docs(), 2)

	on, off := docs[0].doc, docs[1].doc
	assert.Equal(t, ResourceDeviceStatus, on.Resource)
	assert.Equal(t, EventUpdate, on.Event)
	assert.Equal(t, "ONLINE", on.NotifyData.Body.Status)
	assert.Equal(t, compact(lcStart), on.NotifyData.Body.LastOnlineTime)
	assert.Equal(t, "2024-06-01T12:00:00.000Z", on.NotifyData.Body.StatusUpdateTime)
	assert.Equal(t, "OFFLINE", off.NotifyData.Body.Status)
	assert.Equal(t, compact(lcStart), off.NotifyData.Body.LastOnlineTime, "the last time it went online")
	assert.Equal(t, "2024-06-01T12:01:30.250Z", off.NotifyData.Body.StatusUpdateTime)
	assert.Equal(t, "20240601T120130Z", off.EventTime)
	assert.Equal(t, "2024-06-01T12:01:30.250Z", off.EventTimeMS)
	h := off.NotifyData.Header
	assert.Equal(t, dev, h.DeviceID)
	assert.Equal(t, "prod1", h.ProductID)
	assert.Equal(t, "node-7", h.NodeID)
	assert.Equal(t, dev, h.GatewayID)

	require.Error(t, s.SetDeviceConnection(dev, "SLEEPING"))
	require.Error(t, s.SetDeviceConnection("nobody", "ONLINE"))
	assert.Equal(t, 2, s.PushStats().Events)
}

// With the lifecycle on a real clock, the fake moves commands on by itself
// and pushes every step: the client's one request is the deliver call.
func TestPushWithoutAnyRequest(t *testing.T) {
	r := newReceiver(t)
	s := newServer(t, WithLifecycle(Lifecycle{DeliverAfter: time.Millisecond, RespondAfter: time.Millisecond}),
		WithPush(Push{URL: r.ts.URL, LifecycleTick: 5 * time.Millisecond}))
	s.AddDevice(testDevice)
	id := lcDeliver(t, s, "ON_OFF", StrategyImmediately, 0)
	var final received
	for n := 1; ; n++ {
		docs := r.waitFor(t, n)
		if d := docs[n-1]; d.doc.NotifyData.Body.Status == StatusSuccessful {
			final = d
			break
		}
	}
	assert.Equal(t, id, final.doc.NotifyData.Body.CommandID)
	assert.Equal(t, 1, s.Requests(RouteAll), "no request after the deliver call")
	assert.Equal(t, 0, s.CommandGets(testDevice, id))
}

// Close ends every pushing goroutine, even with pushes hanging on a
// receiver that never answers.
func TestPushGoroutinesEndOnClose(t *testing.T) {
	r := newReceiver(t)
	r.hang.Store(true)
	s := New(WithLifecycle(Lifecycle{}), WithPush(Push{URL: r.ts.URL, PushOptions: PushOptions{Workers: 3}}))
	s.AddDevice(testDevice)
	ids := addSent(s, 5)
	for _, id := range ids {
		require.NoError(t, s.SetCommandStatus(testDevice, id, StatusDelivered, nil))
	}
	p := s.push.p.Load()
	require.NotNil(t, p)
	assert.EqualValues(t, 4, p.live.Load(), "three workers and the lifecycle's driver")

	s.Close()
	assert.Zero(t, p.live.Load(), "Close waits for every goroutine")
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	assert.NotContains(t, stacks, "mockserver.(*pusher)")
	assert.NotContains(t, stacks, "mockserver.(*Server).driveLifecycle")

	s.PushTo(Push{URL: r.ts.URL})
	assert.Same(t, p, s.push.p.Load(), "no restart after Close")
	assert.Zero(t, p.live.Load())
}

// GETs are counted per command, and ResetCounts zeroes them.
func TestCommandGets(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	ids := addSent(s, 2)
	lcGet(t, s, ids[0])
	lcGet(t, s, ids[0])
	assert.Equal(t, 2, s.CommandGets(testDevice, ids[0]))
	assert.Equal(t, 0, s.CommandGets(testDevice, ids[1]))
	assert.Equal(t, 0, s.CommandGets("other", ids[0]))
	s.ResetCounts()
	assert.Equal(t, 0, s.CommandGets(testDevice, ids[0]))
}

func TestChanceIsStableAndSpread(t *testing.T) {
	assert.Equal(t, chance(7, "drop", "abc"), chance(7, "drop", "abc"))
	assert.NotEqual(t, chance(7, "drop", "abc"), chance(8, "drop", "abc"))
	assert.NotEqual(t, chance(7, "drop", "abc"), chance(7, "reorder", "abc"))
	below := 0
	for i := range 10000 {
		u := chance(1, "x", strings.Repeat("k", i%7)+string(rune('a'+i%26))+time.Duration(i).String())
		require.True(t, u >= 0 && u < 1)
		if u < 0.1 {
			below++
		}
	}
	assert.InDelta(t, 1000, below, 150, "about a tenth under 0.1")
}

// SetPushURL starts a server that does not push, and moves a pushing one
// to another receiver keeping its settings.
func TestSetPushURL(t *testing.T) {
	r1, r2 := newReceiver(t), newReceiver(t)
	s := newServer(t)
	s.AddDevice(testDevice)
	ids := addSent(s, 3)
	s.SetPushURL(r1.ts.URL)
	s.SetPushFaults(PushFaults{DropIDs: ids[2:]})
	require.NoError(t, s.SetCommandStatus(testDevice, ids[0], StatusDelivered, nil))
	r1.waitFor(t, 1)
	s.SetPushURL(r2.ts.URL)
	require.NoError(t, s.SetCommandStatus(testDevice, ids[1], StatusDelivered, nil))
	require.NoError(t, s.SetCommandStatus(testDevice, ids[2], StatusDelivered, nil))
	docs := r2.waitFor(t, 1)
	settle(t, s)
	assert.Len(t, r1.docs(), 1)
	require.Len(t, r2.docs(), 1, "the faults stayed: ids[2] dropped")
	assert.Equal(t, ids[1], docs[0].doc.NotifyData.Body.CommandID)
}
