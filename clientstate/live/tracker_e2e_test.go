package live_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// trackerRig is a tracker over a mock server and its broker, with the
// test's view of what the tracker processed.
type trackerRig struct {
	t         *testing.T
	s         *mockserver.Server
	b         *mockbroker.Broker
	rest      *clientstate.Client
	tr        *live.Tracker
	processed chan live.Event       // every event the tracker processed
	errs      chan error            // OnError
	connects  chan live.ConnectInfo // the monitor's OnConnect
	cancel    context.CancelFunc
	done      chan error
	stopOnce  sync.Once
	runErr    error
}

func newTrackerRig(t *testing.T, n int, seed int64, opts ...iotclient.Option) *trackerRig {
	t.Helper()
	r := &trackerRig{
		t:         t,
		processed: make(chan live.Event, 1<<16),
		errs:      make(chan error, 1024),
		connects:  make(chan live.ConnectInfo, 64),
	}
	r.s, r.b = newMockBroker(t, n, seed)
	var err error
	r.rest, err = clientstate.NewClient(clientstate.Config{
		BaseURL: r.s.URL(),
		Auth:    auth.APIKey(mockserver.APIKey, mockserver.APIToken),
	}, opts...)
	require.NoError(t, err)
	mon, err := live.NewMonitor(live.Config{
		Broker:        r.b.Addr(),
		Auth:          auth.APIKey(mockserver.APIKey, mockserver.APIToken),
		ReconnectWait: 5 * time.Millisecond, MaxReconnectWait: 50 * time.Millisecond,
		OnConnect: func(info live.ConnectInfo) { r.connects <- info },
	})
	require.NoError(t, err)
	r.tr, err = live.NewTracker(r.rest, mon, live.TrackerConfig{
		OnEvent: func(ev live.Event, _ bool) { r.processed <- ev },
		OnError: func(err error) { r.errs <- err },
	})
	require.NoError(t, err)
	return r
}

func (r *trackerRig) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.tr.Run(ctx) }()
	r.t.Cleanup(func() { r.stop() })
}

// stop cancels Run and returns its error.
func (r *trackerRig) stop() error {
	r.stopOnce.Do(func() {
		r.cancel()
		select {
		case r.runErr = <-r.done:
		case <-time.After(monWait):
			r.t.Errorf("Run did not return within %s of cancel", monWait)
		}
	})
	return r.runErr
}

// waitSubscribed waits for the monitor's first connection and subscription
// (Ready covers the snapshot only).
func (r *trackerRig) waitSubscribed() {
	r.t.Helper()
	select {
	case <-r.connects:
	case <-time.After(monWait):
		r.t.Fatal("the monitor did not connect in time")
	}
}

func (r *trackerRig) waitReady() {
	r.t.Helper()
	select {
	case <-r.tr.Ready():
	case err := <-r.done:
		r.t.Fatalf("Run ended before Ready: %v", err)
	case <-time.After(monWait):
		r.t.Fatal("tracker not ready in time")
	}
}

// disagreement compares the tracker with the mock's REST data; it returns
// "" when they agree on every client's status (and, for disconnected
// clients, on since when).
func (r *trackerRig) disagreement() string {
	clients := r.s.Clients()
	if n := r.tr.Len(); n != len(clients) {
		return "tracker knows " + strconv.Itoa(n) + " clients, REST " + strconv.Itoa(len(clients))
	}
	for _, c := range clients {
		st, ok := r.tr.State(c.ClientID)
		switch {
		case !ok:
			return c.ClientID + " unknown to the tracker"
		case string(st.Status) != c.ConnectionStatus:
			return c.ClientID + ": tracker " + string(st.Status) + ", REST " + c.ConnectionStatus
		case st.Status == clientstate.StatusDisconnected && !st.Since.Equal(c.LastDisconnect):
			return c.ClientID + ": disconnected since " + st.Since.String() + ", REST " + c.LastDisconnect.String()
		}
	}
	return ""
}

// waitAgreement waits until the tracker has processed the last retained
// transition of trs (its event, live or as the retained state after a
// reconnect; a FailedConnect is not retained, so one made while the
// monitor was away is never delivered), then until it agrees with REST:
// after that event only retained state still queued can follow, which
// only brings clients closer to their final state.
func (r *trackerRig) waitAgreement(trs []mockbroker.Transition) {
	var last mockbroker.Transition
	for _, tr := range trs {
		if tr.Retained {
			last = tr
		}
	}
	r.t.Helper()
	timeout := time.After(monWait)
	seen := false
	for {
		if seen {
			if d := r.disagreement(); d == "" {
				return
			}
		}
		select {
		case ev := <-r.processed:
			if ev.ClientID == last.ClientID && ev.Time.Equal(last.Time) {
				seen = true
			}
		case err := <-r.done:
			r.t.Fatalf("Run ended: %v", err)
		case <-timeout:
			r.t.Fatalf("no agreement within %s (sentinel seen: %v): %s", monWait, seen, r.disagreement())
		}
	}
}

// requireAgreesWithList checks the tracker against the REST List itself.
func (r *trackerRig) requireAgreesWithList() {
	r.t.Helper()
	var connected, disconnected []string
	for st, err := range r.rest.List(r.t.Context(), clientstate.ListQuery{}) {
		require.NoError(r.t, err)
		tracked, ok := r.tr.State(st.ClientID)
		require.True(r.t, ok, st.ClientID)
		require.Equal(r.t, st.Status, tracked.Status, st.ClientID)
		switch st.Status {
		case clientstate.StatusConnected:
			connected = append(connected, st.ClientID)
		case clientstate.StatusDisconnected:
			disconnected = append(disconnected, st.ClientID)
		}
	}
	require.Equal(r.t, connected, trackedIDs(r.tr.Connected()))
	require.Equal(r.t, disconnected, trackedIDs(r.tr.Disconnected()))
}

func trackedIDs(states []live.TrackedState) []string {
	var ids []string
	for _, s := range states {
		ids = append(ids, s.ClientID)
	}
	return ids
}

// After 1,000 random transitions, half of them made while the tracker was
// starting (snapshot and subscription racing them), the tracker agrees with
// the REST List.
func TestTrackerAgreesWithListAfter1000Transitions(t *testing.T) {
	before := runtime.NumGoroutine()
	r := newTrackerRig(t, 400, 21)
	r.start()
	first, err := r.b.Flap(100, 500) // races the snapshot and the subscription
	require.NoError(t, err)
	r.waitReady()
	second, err := r.b.Flap(101, 500)
	require.NoError(t, err)
	require.Len(t, append(first, second...), 1000)
	r.waitAgreement(second)
	r.requireAgreesWithList()

	// Reuse (288) never took a client offline.
	for _, tr := range second {
		if tr.CloseCode == mockbroker.CloseClientIDReused {
			st, _ := r.tr.State(tr.ClientID)
			c, _ := r.s.Client(tr.ClientID)
			require.Equal(t, c.ConnectionStatus, string(st.Status))
		}
	}

	// Readers run safely while the tracker applies events (go test -race).
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					_ = r.tr.Connected()
					_, _ = r.tr.State(second[0].ClientID)
				}
			}
		})
	}
	third, err := r.b.Flap(102, 100)
	require.NoError(t, err)
	r.waitAgreement(third)
	close(stop)
	wg.Wait()

	require.ErrorIs(t, r.stop(), context.Canceled)
	requireNoGoroutines(t, monitorGoroutines...)
	r.b.Close()
	r.s.Close()
	requireGoroutinesAtMost(t, before)
}

// The broker dropping the tracker's connection in the middle of a flapping
// fleet loses nothing: what changed while it was away comes back as
// retained state.
func TestTrackerSurvivesReconnect(t *testing.T) {
	r := newTrackerRig(t, 250, 22)
	r.start()
	r.waitReady()
	r.waitSubscribed() // a drop while connecting is a failed attempt, not a lost connection
	a, err := r.b.Flap(200, 250)
	require.NoError(t, err)
	require.Equal(t, 1, r.b.DropClients())
	b, err := r.b.Flap(201, 250) // partly while disconnected
	require.NoError(t, err)
	r.waitAgreement(b)
	r.requireAgreesWithList()
	_ = a

	var lost *live.ConnectionError
	for lost == nil {
		select {
		case err := <-r.errs:
			var ce *live.ConnectionError
			if errors.As(err, &ce) && ce.Lost {
				lost = ce
			}
		case <-time.After(monWait):
			t.Fatal("no lost-connection error reported")
		}
	}
	reconnected := false
	for !reconnected {
		select {
		case info := <-r.connects:
			reconnected = info.Reconnect()
		case <-time.After(monWait):
			t.Fatal("no reconnect reported")
		}
	}
}

// gateTransport holds the responses of the snapshot's requests until
// released: the snapshot is read from the server at once but reaches the
// tracker only later, after the changes made meanwhile.
type gateTransport struct {
	read    chan struct{} // closed when the first response has been read
	release chan struct{}
	once    sync.Once
}

func (g *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	g.once.Do(func() { close(g.read) })
	select {
	case <-g.release:
	case <-req.Context().Done():
	}
	return resp, err
}

// A snapshot read before changes does not undo them: the events that
// arrive while it is in flight are kept and applied over it, newest wins;
// 288 does not take a client offline; a FailedConnect changes no status.
func TestTrackerStaleSnapshotDoesNotUndoEvents(t *testing.T) {
	gate := &gateTransport{read: make(chan struct{}), release: make(chan struct{})}
	r := newTrackerRig(t, 0, 0, iotclient.WithHTTPClient(&http.Client{Transport: gate}))
	r.s.AddClients(
		mockserver.ClientState{ClientID: "d:ab12cd:sensor:a", ConnectionStatus: mockserver.Connected, LastConnect: time.Now().Add(-time.Hour)},
		mockserver.ClientState{ClientID: "d:ab12cd:sensor:b", ConnectionStatus: mockserver.Disconnected},
		mockserver.ClientState{ClientID: "a:ab12cd:some-app", ConnectionStatus: mockserver.Connected, LastConnect: time.Now().Add(-time.Hour)},
	)
	r.start()
	<-gate.read          // the snapshot is read: from now on it is stale
	info := <-r.connects // and the monitor is subscribed: changes arrive live
	require.Equal(t, 1, info.Connection)
	var trs []mockbroker.Transition
	for _, step := range []func() (mockbroker.Transition, error){
		func() (mockbroker.Transition, error) { return r.b.Disconnect("d:ab12cd:sensor:a", 160) },
		func() (mockbroker.Transition, error) { return r.b.FailedConnect("d:ab12cd:sensor:a") },
		func() (mockbroker.Transition, error) { return r.b.Connect("d:ab12cd:sensor:b") },
		func() (mockbroker.Transition, error) { return r.b.Disconnect("d:ab12cd:sensor:b", 288) },
	} {
		tr, err := step()
		require.NoError(t, err)
		trs = append(trs, tr)
	}
	select {
	case <-r.tr.Ready():
		t.Fatal("ready before the snapshot arrived")
	default:
	}
	close(gate.release)
	r.waitReady()
	r.waitAgreement(trs)
	r.requireAgreesWithList()
	a, _ := r.tr.State("d:ab12cd:sensor:a")
	require.Equal(t, clientstate.StatusDisconnected, a.Status)
	require.Equal(t, 160, a.LastCloseCode)
	require.True(t, trs[1].Time.Equal(a.LastFailedConnect))
	b, _ := r.tr.State("d:ab12cd:sensor:b")
	require.Equal(t, clientstate.StatusConnected, b.Status, "288 does not take a client offline")
	require.Equal(t, 288, b.LastCloseCode)
	require.True(t, b.Live)
	app, _ := r.tr.State("a:ab12cd:some-app")
	require.Equal(t, clientstate.StatusConnected, app.Status)
	require.False(t, app.Live, "known from the snapshot only")
}
