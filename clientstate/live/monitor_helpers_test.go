package live_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// monWait bounds every wait for something the broker or the monitor does.
const monWait = 15 * time.Second

// newMockBroker starts a mock server seeded with n clients and its MQTT
// broker; both are closed when the test ends.
func newMockBroker(t *testing.T, n int, seed int64) (*mockserver.Server, *mockbroker.Broker) {
	t.Helper()
	s := mockserver.New()
	t.Cleanup(s.Close)
	if n > 0 {
		s.SeedClients(n, seed)
	}
	b, err := mockbroker.Start(s)
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return s, b
}

// monItem is one thing a monitor stream produced, as the test sees it: an
// event, an error, or (connected != nil) an OnConnect call.
type monItem struct {
	ev        live.Event
	err       error
	connected *live.ConnectInfo
}

// monStream runs a Monitor's Events in a goroutine and hands what it
// yields, OnConnect calls included and in stream order, to the test.
type monStream struct {
	t      *testing.T
	ch     chan monItem
	cancel context.CancelFunc
	done   chan struct{}
}

// newMonitor builds a monitor for the broker with fast reconnects (cfg's
// Broker, Auth and backoff are filled in when empty) and a stream for it,
// not started yet: OnConnect calls go into the stream in order (OnConnect
// runs on the goroutine ranging over Events).
func newMonitor(t *testing.T, b *mockbroker.Broker, cfg live.Config) (*live.Monitor, *monStream) {
	t.Helper()
	if cfg.Broker == "" {
		cfg.Broker = b.Addr()
	}
	if cfg.Auth == nil {
		cfg.Auth = auth.APIKey(mockserver.APIKey, mockserver.APIToken)
	}
	if cfg.ReconnectWait == 0 {
		cfg.ReconnectWait, cfg.MaxReconnectWait = 5*time.Millisecond, 50*time.Millisecond
	}
	s := &monStream{t: t, ch: make(chan monItem, 1<<14), done: make(chan struct{})}
	user := cfg.OnConnect
	cfg.OnConnect = func(info live.ConnectInfo) {
		if user != nil {
			user(info)
		}
		s.ch <- monItem{connected: &info}
	}
	m, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	return m, s
}

// start ranges over m.Events until the test ends or stop is called.
func (s *monStream) start(m *live.Monitor) *monStream {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.done)
		for ev, err := range m.Events(ctx) {
			s.ch <- monItem{ev: ev, err: err}
		}
	}()
	s.t.Cleanup(s.stop)
	return s
}

// stop cancels the stream and waits for Events to return.
func (s *monStream) stop() {
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(monWait):
		s.t.Errorf("Events did not return within %s of cancel", monWait)
	}
}

// next returns the next item, failing the test after monWait.
func (s *monStream) next() monItem {
	s.t.Helper()
	select {
	case it := <-s.ch:
		return it
	case <-time.After(monWait):
		s.t.Fatalf("no stream item within %s", monWait)
	}
	return monItem{}
}

// nextEvent returns the next event, failing on anything else.
func (s *monStream) nextEvent() live.Event {
	s.t.Helper()
	it := s.next()
	require.Nil(s.t, it.connected, "want an event, got OnConnect")
	require.NoError(s.t, it.err)
	return it.ev
}

// expectConnected waits for the next item to be OnConnect number n.
func (s *monStream) expectConnected(n int) live.ConnectInfo {
	s.t.Helper()
	it := s.next()
	require.NotNil(s.t, it.connected, "want OnConnect %d, got %+v", n, it)
	require.Equal(s.t, n, it.connected.Connection)
	return *it.connected
}

// retainedState is the retained status message the broker holds for each
// device with a time for its status, derived from the mock's REST data.
type retainedState struct {
	action string
	at     time.Time
	code   int
}

func expectedRetained(s *mockserver.Server) map[string]retainedState {
	out := make(map[string]retainedState)
	for _, c := range s.Clients() {
		if !strings.HasPrefix(c.ClientID, "d:") && !strings.HasPrefix(c.ClientID, "g:") {
			continue
		}
		switch {
		case c.ConnectionStatus == mockserver.Connected && c.DisconnectReasonCode == mockbroker.CloseClientIDReused && !c.LastDisconnect.IsZero() && !c.LastDisconnect.Before(c.LastConnect):
			out[c.ClientID] = retainedState{mockbroker.ActionDisconnect, c.LastDisconnect, c.DisconnectReasonCode}
		case c.ConnectionStatus == mockserver.Connected && !c.LastConnect.IsZero():
			out[c.ClientID] = retainedState{mockbroker.ActionConnect, c.LastConnect, 0}
		case c.ConnectionStatus == mockserver.Disconnected && !c.LastDisconnect.IsZero():
			out[c.ClientID] = retainedState{mockbroker.ActionDisconnect, c.LastDisconnect, c.DisconnectReasonCode}
		}
	}
	return out
}

// collectRetained reads n events, which must all be retained, and checks
// them against want.
func (s *monStream) collectRetained(want map[string]retainedState) {
	s.t.Helper()
	seen := make(map[string]bool, len(want))
	for range len(want) {
		ev := s.nextEvent()
		id := ev.ClientID
		require.True(s.t, ev.Retained, "want retained state first, got live %s", ev)
		require.False(s.t, seen[id], "retained state of %s delivered twice", id)
		seen[id] = true
		w, ok := want[id]
		require.True(s.t, ok, "retained state of unexpected client %s", id)
		require.Equal(s.t, w.action, string(ev.Action), id)
		require.True(s.t, w.at.Equal(ev.Time), "%s: time %s, want %s", id, ev.Time, w.at)
		if w.action == mockbroker.ActionDisconnect {
			require.Equal(s.t, w.code, ev.CloseCode, id)
		}
	}
}

// expectLive reads one live event per transition, in order.
func (s *monStream) expectLive(trs []mockbroker.Transition) {
	s.t.Helper()
	for i, tr := range trs {
		ev := s.nextEvent()
		require.False(s.t, ev.Retained, "transition %d: %s arrived as retained", i, ev)
		requireTransition(s.t, tr, ev)
	}
}

func requireTransition(t *testing.T, tr mockbroker.Transition, ev live.Event) {
	t.Helper()
	require.Equal(t, tr.ClientID, ev.ClientID)
	require.Equal(t, tr.Action, string(ev.Action), tr.ClientID)
	require.True(t, tr.Time.Equal(ev.Time), "%s: time %s, want %s", tr.ClientID, ev.Time, tr.Time)
	require.Equal(t, tr.Topic, ev.Topic)
	if tr.Action != mockbroker.ActionConnect {
		require.Equal(t, tr.CloseCode, ev.CloseCode, tr.ClientID)
	}
	require.Equal(t, tr.Action == mockbroker.ActionDisconnect && tr.CloseCode == 288, ev.ClientIDReused(), tr.ClientID)
}

// stacksOf returns the stacks of the goroutines whose stack mentions any
// of the given substrings.
func stacksOf(subs ...string) []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, s := range subs {
			if strings.Contains(g, s) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// requireNoGoroutines waits (bounded) until no goroutine runs code of the
// given packages, and fails with their stacks otherwise. Goroutines of the
// MQTT client exit right after Disconnect returns; this absorbs that.
func requireNoGoroutines(t *testing.T, subs ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := stacksOf(subs...)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(5 * time.Millisecond) // bounded poll: goroutine exit has no event to wait on
	}
}

// requireGoroutinesAtMost waits (bounded) until runtime.NumGoroutine is
// back to at most n.
func requireGoroutinesAtMost(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), n, strings.Join(stacksOf(""), "\n\n"))
		}
		time.Sleep(5 * time.Millisecond) // bounded poll, as above
	}
}
