package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/notify"
)

// commandDoc is a device.command.status document for command id.
func commandDoc(id, status string) string {
	return `{"resource":"device.command.status","event":"update","event_time":"20240601T120000Z","request_id":"r-` + id + `",` +
		`"notify_data":{"header":{"device_id":"dev-1"},"body":{"command_id":"` + id + `","status":"` + status + `",` +
		`"created_time":"20240601T115959Z","response_time":"20240601T120000Z","result":{"code":0}}}}`
}

// drops collects what OnDrop reports.
type drops struct {
	mu   sync.Mutex
	errs []error
}

func (d *drops) add(err error) { d.mu.Lock(); d.errs = append(d.errs, err); d.mu.Unlock() }
func (d *drops) all() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.errs...)
}

// serve starts a real HTTP server on loopback with a handler built from
// cfg, whose OnDrop reports are collected.
func serve(t *testing.T, cfg notify.HandlerConfig) (*notify.Handler, *httptest.Server, *drops) {
	t.Helper()
	d := &drops{}
	cfg.OnDrop = d.add
	h, err := notify.NewHandler(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); srv.Close() })
	return h, srv, d
}

var pushClient = &http.Client{Timeout: 30 * time.Second}

// post pushes body as the platform does and returns the status and how
// long the answer took.
func post(t *testing.T, url, body string) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := pushClient.Post(url, "application/json;charset=UTF-8", strings.NewReader(body))
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// consume ranges over the handler's stream on its own goroutine, sending
// every item to the returned channel; stop breaks the loop and waits.
type streamItem struct {
	n   notify.Notification
	err error
}

func consume(h *notify.Handler) (<-chan streamItem, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan streamItem, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n, err := range h.Notifications(ctx) {
			out <- streamItem{n, err}
		}
	}()
	return out, func() { cancel(); <-done }
}

func next(t *testing.T, ch <-chan streamItem) streamItem {
	t.Helper()
	select {
	case it := <-ch:
		return it
	case <-time.After(10 * time.Second):
		t.Fatal("nothing on the stream within 10s")
		return streamItem{}
	}
}

// The answer does not wait for the consumer: while the loop body is busy
// with the first notification, the next pushes are answered 200.
func TestHandlerAnswersWithoutWaitingForTheConsumer(t *testing.T) {
	h, srv, d := serve(t, notify.HandlerConfig{QueueSize: 8})
	release := make(chan struct{})
	got := make(chan notify.Notification, 8)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n, err := range h.Notifications(context.Background()) {
			assert.NoError(t, err)
			got <- n
			<-release // a consumer busy for as long as the test wants
			if len(got) == 3 {
				return
			}
		}
	}()
	var slowest time.Duration
	for i := range 3 {
		status, took := post(t, srv.URL, commandDoc(fmt.Sprintf("c%d", i), "SUCCESSFUL"))
		require.Equal(t, http.StatusOK, status)
		slowest = max(slowest, took)
	}
	t.Logf("slowest answer: %v", slowest)
	assert.Less(t, slowest, notify.DefaultQueueWait, "answered without waiting for the loop body (which would end in a 503 after the queue wait)")
	assert.Equal(t, notify.HandlerStats{Queued: 3}, h.Stats())
	close(release)
	<-done
	for i := range 3 {
		n := <-got
		assert.Equal(t, fmt.Sprintf("c%d", i), n.Command.CommandID, "in the order received")
		assert.Equal(t, "dev-1", n.Header.DeviceID)
	}
	assert.Empty(t, d.all())
}

func TestHandlerUndecodableIsAnswered200AndReported(t *testing.T) {
	h, srv, d := serve(t, notify.HandlerConfig{})
	items, stop := consume(h)
	defer stop()
	status, _ := post(t, srv.URL, `{"resource":"device.status","notify_data":{}}`)
	assert.Equal(t, http.StatusOK, status, "a 4xx would count towards the blocklist")
	status, _ = post(t, srv.URL, commandDoc("c1", "FAILED"))
	assert.Equal(t, http.StatusOK, status)

	it := next(t, items)
	var de *notify.DocumentError
	require.ErrorAs(t, it.err, &de)
	assert.Equal(t, notify.ResourceDeviceStatus, de.Resource)
	assert.Contains(t, it.err.Error(), "notify_data.body is missing")
	assert.True(t, notify.IsTransient(it.err))
	it = next(t, items)
	require.NoError(t, it.err, "the stream goes on")
	assert.Equal(t, "c1", it.n.Command.CommandID)

	require.Len(t, d.all(), 1)
	assert.ErrorAs(t, d.all()[0], &de)
	assert.Equal(t, notify.HandlerStats{Queued: 1, Undecodable: 1}, h.Stats())
}

// With the queue full, a push waits QueueWait for room, then is answered
// 503 and reported lost (synctest: the wait is measured in fake time).
func TestHandler503OnlyAfterTheQueueWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &drops{}
		h, err := notify.NewHandler(notify.HandlerConfig{QueueSize: 1, QueueWait: 3 * time.Second, OnDrop: d.add})
		require.NoError(t, err)
		serveOne := func(body string) int {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/push", strings.NewReader(body)))
			return rec.Code
		}
		start := time.Now()
		require.Equal(t, http.StatusOK, serveOne(commandDoc("c1", "SENT")))
		assert.Zero(t, time.Since(start), "room in the queue: no wait")
		assert.Equal(t, http.StatusServiceUnavailable, serveOne(commandDoc("c2", "SUCCESSFUL")))
		assert.Equal(t, 3*time.Second, time.Since(start), "503 exactly when the wait ran out")
		require.Len(t, d.all(), 1)
		assert.ErrorIs(t, d.all()[0], notify.ErrLost)
		assert.Contains(t, d.all()[0].Error(), "within 3s")
		assert.Equal(t, notify.HandlerStats{Queued: 1, Lost: 1}, h.Stats())

		// Room that opens during the wait is taken: 200 when it opens.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		next, stop := iter.Pull2(h.Notifications(ctx))
		defer stop()
		answered := make(chan int)
		start = time.Now()
		go func() { answered <- serveOne(commandDoc("c3", "SUCCESSFUL")) }()
		time.Sleep(time.Second) // fake time: the push waits a second for room
		n, err, _ := next()
		require.ErrorIs(t, err, notify.ErrLost, "the loss comes first on the stream")
		assert.True(t, notify.IsTransient(err))
		assert.Equal(t, 1, err.(*notify.LossError).Count)
		n, err, _ = next()
		require.NoError(t, err)
		assert.Equal(t, "c1", n.Command.CommandID)
		assert.Equal(t, http.StatusOK, <-answered)
		assert.Equal(t, time.Second, time.Since(start))
		n, err, _ = next()
		require.NoError(t, err)
		assert.Equal(t, "c3", n.Command.CommandID)
	})
}

// The same over a real server, with a short real wait.
func TestHandler503OverHTTP(t *testing.T) {
	h, srv, d := serve(t, notify.HandlerConfig{QueueSize: 1, QueueWait: 200 * time.Millisecond})
	status, _ := post(t, srv.URL, commandDoc("c1", "SENT"))
	require.Equal(t, http.StatusOK, status)
	status, took := post(t, srv.URL, commandDoc("c2", "SENT"))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.GreaterOrEqual(t, took, 200*time.Millisecond, "not before the wait")
	require.Len(t, d.all(), 1)
	assert.ErrorIs(t, d.all()[0], notify.ErrLost)
	assert.Equal(t, int64(1), h.Stats().Lost)
}

func TestHandlerBodySizeCap(t *testing.T) {
	h, srv, d := serve(t, notify.HandlerConfig{MaxBodySize: 1024})
	items, stop := consume(h)
	defer stop()
	doc := commandDoc("c1", "SUCCESSFUL")
	exact := doc + strings.Repeat(" ", 1024-len(doc))
	status, _ := post(t, srv.URL, exact)
	assert.Equal(t, http.StatusOK, status, "exactly the cap")
	it := next(t, items)
	require.NoError(t, it.err)

	status, _ = post(t, srv.URL, exact+" ")
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, "one byte over, with Content-Length")
	// Without Content-Length (chunked), the cap holds while reading.
	resp, err := pushClient.Post(srv.URL, "application/json", io.MultiReader(strings.NewReader(exact), strings.NewReader("  ")))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "chunked")

	it = next(t, items)
	require.ErrorIs(t, it.err, notify.ErrLost, "a refused push is reported on the stream")
	lost := it.err.(*notify.LossError).Count
	if lost == 1 { // the two losses may come as one report or two
		it = next(t, items)
		require.ErrorIs(t, it.err, notify.ErrLost)
		lost += it.err.(*notify.LossError).Count
	}
	assert.Equal(t, 2, lost)
	assert.Contains(t, it.err.Error(), "more than 1024 bytes")
	assert.Len(t, d.all(), 2)
	assert.Equal(t, notify.HandlerStats{Queued: 1, Lost: 2}, h.Stats())
}

// The default cap takes a 2 MB document (device messages reach 1 MB).
func TestHandlerDefaultCapTakes2MB(t *testing.T) {
	h, srv, _ := serve(t, notify.HandlerConfig{})
	items, stop := consume(h)
	defer stop()
	big := `{"resource":"device.message","event":"report","notify_data":{"body":{"content":"` + strings.Repeat("x", 2_000_000) + `"}}}`
	status, _ := post(t, srv.URL, big)
	require.Equal(t, http.StatusOK, status)
	it := next(t, items)
	require.NoError(t, it.err)
	assert.Greater(t, len(it.n.Body), 2_000_000)
	assert.GreaterOrEqual(t, int64(notify.DefaultMaxBodySize), int64(2<<20))
}

func TestHandlerRefusesOtherMethods(t *testing.T) {
	h, srv, d := serve(t, notify.HandlerConfig{})
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead} {
		req, err := http.NewRequest(m, srv.URL, strings.NewReader(commandDoc("c1", "SENT")))
		require.NoError(t, err)
		resp, err := pushClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, m)
		assert.Equal(t, "POST", resp.Header.Get("Allow"), m)
	}
	assert.Equal(t, notify.HandlerStats{}, h.Stats(), "nothing queued")
	assert.Empty(t, d.all())
}

func TestHandlerVerifyHook(t *testing.T) {
	const secret = "s3cret"
	var seen []byte
	h, srv, d := serve(t, notify.HandlerConfig{Verify: func(r *http.Request, body []byte) error {
		seen = bytes.Clone(body)
		if r.Header.Get("X-Test-Signature") != secret {
			return errors.New("bad signature")
		}
		return nil
	}})
	items, stop := consume(h)
	defer stop()
	doc := commandDoc("c1", "SUCCESSFUL")
	status, _ := post(t, srv.URL, doc)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, doc, string(seen), "the hook sees the body")
	require.Len(t, d.all(), 1)
	assert.ErrorIs(t, d.all()[0], notify.ErrUnverified)
	assert.Contains(t, d.all()[0].Error(), "bad signature")

	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(doc))
	require.NoError(t, err)
	req.Header.Set("X-Test-Signature", secret)
	resp, err := pushClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	it := next(t, items)
	require.NoError(t, it.err, "the refused push is not on the stream")
	assert.Equal(t, "c1", it.n.Command.CommandID)
	assert.Equal(t, notify.HandlerStats{Queued: 1, Refused: 1}, h.Stats())
}

func TestNewHandlerValidates(t *testing.T) {
	for _, tc := range []struct {
		cfg   notify.HandlerConfig
		field string
	}{
		{notify.HandlerConfig{QueueSize: -1}, "HandlerConfig.QueueSize"},
		{notify.HandlerConfig{QueueWait: -time.Second}, "HandlerConfig.QueueWait"},
		{notify.HandlerConfig{QueueWait: 11 * time.Second}, "HandlerConfig.QueueWait"},
		{notify.HandlerConfig{MaxBodySize: -1}, "HandlerConfig.MaxBodySize"},
	} {
		h, err := notify.NewHandler(tc.cfg)
		assert.Nil(t, h)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	_, err := notify.NewHandler(notify.HandlerConfig{QueueWait: notify.MaxQueueWait})
	assert.NoError(t, err)
}

// Close answers a waiting push 503 at once, the stream yields what the
// queue held and ends, and no goroutine of the handler is left once the
// server is shut down.
func TestHandlerShutdownLeavesNoGoroutine(t *testing.T) {
	d := &drops{}
	h, err := notify.NewHandler(notify.HandlerConfig{QueueSize: 1, QueueWait: notify.MaxQueueWait, OnDrop: d.add})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	status, _ := post(t, srv.URL, commandDoc("c1", "SENT"))
	require.Equal(t, http.StatusOK, status)
	type answer struct {
		status int
		took   time.Duration
	}
	waiting := make(chan answer)
	go func() {
		s, took := post(t, srv.URL, commandDoc("c2", "SENT"))
		waiting <- answer{s, took}
	}()
	// Close once the second push waits for room (it is counted nowhere
	// until it ends; either way it must end 503 well before QueueWait).
	h.Close()
	a := <-waiting
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	assert.Less(t, a.took, notify.MaxQueueWait/2, "not held for the queue wait")
	srv.Close() // returns once every request has ended

	var got []string
	var lost int
	for n, err := range h.Notifications(context.Background()) {
		if errors.Is(err, notify.ErrLost) {
			lost += err.(*notify.LossError).Count
			continue
		}
		require.NoError(t, err)
		got = append(got, n.Command.CommandID)
	}
	assert.Equal(t, []string{"c1"}, got, "the queue is drained, then the stream ends")
	assert.Equal(t, 1, lost)
	assert.Empty(t, handlerGoroutines())
}

// handlerGoroutines returns the stacks of the goroutines running the
// handler's code.
func handlerGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "iotclient-go/notify.(*Handler)") {
			out = append(out, g)
		}
	}
	return out
}

// A Handler not built by NewHandler does not panic: it answers 503 and its
// stream says why.
func TestZeroHandler(t *testing.T) {
	for _, h := range []*notify.Handler{nil, {}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(commandDoc("c1", "SENT"))))
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
		h.Close()
		assert.Equal(t, notify.HandlerStats{}, h.Stats())
		n := 0
		for _, err := range h.Notifications(context.Background()) {
			n++
			assert.ErrorIs(t, err, notify.ErrHandlerNotBuilt)
		}
		assert.Equal(t, 1, n)
	}
}
