package mockserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/require"
)

// pushedDoc is a received document, decoded for assertions.
type pushedDoc struct {
	Resource    string `json:"resource"`
	Event       string `json:"event"`
	EventTime   string `json:"event_time"`
	EventTimeMS string `json:"event_time_ms"`
	RequestID   string `json:"request_id"`
	NotifyData  struct {
		Header struct {
			AppID     string `json:"app_id"`
			DeviceID  string `json:"device_id"`
			NodeID    string `json:"node_id"`
			ProductID string `json:"product_id"`
			GatewayID string `json:"gateway_id"`
		} `json:"header"`
		Body struct {
			CommandID        string         `json:"command_id"`
			Status           string         `json:"status"`
			CreatedTime      string         `json:"created_time"`
			SentTime         string         `json:"sent_time"`
			DeliveredTime    string         `json:"delivered_time"`
			ResponseTime     string         `json:"response_time"`
			Result           jsontext.Value `json:"result"`
			LastOnlineTime   string         `json:"last_online_time"`
			StatusUpdateTime string         `json:"status_update_time"`
		} `json:"body"`
	} `json:"notify_data"`
}

// received is one POST as the receiver saw it.
type received struct {
	method, path, contentType string
	raw                       []byte
	doc                       pushedDoc
}

// receiver is an httptest server collecting pushes. It answers status
// (200 unless changed); with hang set it answers nothing until the
// request ends.
type receiver struct {
	ts     *httptest.Server
	status atomic.Int32
	hang   atomic.Bool

	mu      sync.Mutex
	got     []received
	changed chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{changed: make(chan struct{})}
	r.status.Store(http.StatusOK)
	r.ts = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.ts.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	// Read the body first: the server notices that the client went away
	// only once the body is consumed.
	raw, _ := io.ReadAll(req.Body)
	if r.hang.Load() {
		<-req.Context().Done()
		return
	}
	rec := received{method: req.Method, path: req.URL.Path, contentType: req.Header.Get("Content-Type"), raw: raw}
	_ = json.Unmarshal(raw, &rec.doc)
	code := int(r.status.Load())
	if code == http.StatusOK {
		r.mu.Lock()
		r.got = append(r.got, rec)
		close(r.changed)
		r.changed = make(chan struct{})
		r.mu.Unlock()
	}
	w.WriteHeader(code)
}

// docs returns what was received (and answered 200) so far.
func (r *receiver) docs() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// waitFor blocks until n documents were received; it fails the test after
// 10 s (the fake pushes within milliseconds).
func (r *receiver) waitFor(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got, ch := len(r.got), r.changed
		r.mu.Unlock()
		if got >= n {
			return r.docs()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("received %d documents, want %d", got, n)
		}
	}
}

// settle waits for the fake's queues to empty.
func settle(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.WaitPushes(ctx))
}

// pushServer is a server on a manual clock, with the lifecycle on and
// pushing to a new receiver with p (its URL filled in).
func pushServer(t *testing.T, p Push) (*Server, *Clock, *receiver) {
	t.Helper()
	r := newReceiver(t)
	p.URL = r.ts.URL + "/push"
	clk := NewClock(lcStart)
	s := New(WithClock(clk.Now), WithLifecycle(Lifecycle{Outcomes: map[string]string{"FAILS": StatusFailed}}), WithPush(p))
	t.Cleanup(s.Close)
	s.AddDevice(testDevice)
	return s, clk, r
}

// addSent stores n SENT commands (no documents: stored, not changed) and
// returns their IDs.
func addSent(s *Server, n int) []string {
	ids := make([]string, n)
	cmds := make([]Command, n)
	for i := range cmds {
		ids[i] = objectID(lcStart, "0000000000", uint32(i+1))
		cmds[i] = Command{ID: ids[i], ServiceID: "Svc", Name: "X", Status: StatusSent, Created: lcStart, Sent: lcStart}
	}
	s.AddCommands(testDevice, cmds...)
	return ids
}

// byRequestID counts the received documents per request ID.
func byRequestID(docs []received) map[string]int {
	n := make(map[string]int, len(docs))
	for _, d := range docs {
		n[d.doc.RequestID]++
	}
	return n
}
