package live_test

import (
	"runtime"
	"strings"
	"testing"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// The packages whose goroutines must all end with the stream.
var monitorGoroutines = []string{"paho.mqtt.golang", "iotclient-go/clientstate/live.(*Monitor)", "iotclient-go/clientstate/live.(*monitor)", "iotclient-go/clientstate/live.(*Tracker)"}

// A new subscriber first receives the retained state of every device, then
// live changes in order; a 288 disconnect is flagged as reuse; cancelling
// ends everything.
func TestMonitorRetainedStateThenLiveChanges(t *testing.T) {
	s, b := newMockBroker(t, 300, 7)
	before := runtime.NumGoroutine()

	m, st := newMonitor(t, b, live.Config{})
	st.start(m)
	info := st.expectConnected(1)
	require.False(t, info.Reconnect())
	require.Equal(t, m.ClientID(), info.ClientID)
	require.Equal(t, []string{"iot-2/type/+/id/+/mon"}, info.Topics)
	require.True(t, strings.HasPrefix(m.ClientID(), "a:ab12cd:iotclient-"), m.ClientID())

	require.NotEmpty(t, stacksOf(monitorGoroutines...), "the goroutine check must see the running monitor")
	want := expectedRetained(s)
	require.Greater(t, len(want), 200)
	st.collectRetained(want)

	trs, err := b.Flap(1, 200)
	require.NoError(t, err)
	reused := 0
	for _, tr := range trs {
		if tr.Action == mockbroker.ActionDisconnect && tr.CloseCode == 288 {
			reused++
		}
	}
	require.Positive(t, reused, "the flap should include client ID reuse")
	st.expectLive(trs)

	// A new subscriber sees the state after the changes, retained.
	m2, st2 := newMonitor(t, b, live.Config{})
	st2.start(m2)
	st2.expectConnected(1)
	st2.collectRetained(expectedRetained(s))
	st2.stop()

	st.stop()
	requireNoGoroutines(t, monitorGoroutines...)
	requireGoroutinesAtMost(t, before)
	require.Empty(t, b.ConnectedClients())
}

// The broker dropping every connection leads to a reconnect and a new
// subscription; changes made while the monitor was away arrive as the
// retained state after the reconnect; live changes before and after are
// each delivered exactly once.
func TestMonitorReconnectsAndResubscribes(t *testing.T) {
	s, b := newMockBroker(t, 150, 8)
	m, st := newMonitor(t, b, live.Config{})
	st.start(m)
	st.expectConnected(1)
	st.collectRetained(expectedRetained(s))

	before, err := b.Flap(2, 40)
	require.NoError(t, err)
	st.expectLive(before)

	// Drop the connection and keep the monitor out until the changes below
	// are made: they are published while nobody is subscribed.
	b.RefuseConnections(true)
	require.Equal(t, 1, b.DropClients())
	it := st.next()
	var ce *live.ConnectionError
	require.ErrorAs(t, it.err, &ce)
	require.True(t, ce.Lost, "%v", ce)
	require.True(t, live.IsTransient(it.err))
	it = st.next()
	require.ErrorAs(t, it.err, &ce)
	require.False(t, ce.Lost)
	require.ErrorIs(t, it.err, live.ErrBrokerUnavailable)
	require.True(t, live.IsTransient(it.err))

	away, err := b.Flap(3, 60)
	require.NoError(t, err)
	b.RefuseConnections(false)

	// More failed attempts may come before the reconnect; then the
	// retained state, which includes what changed while away.
	for {
		it = st.next()
		if it.connected != nil {
			break
		}
		require.ErrorIs(t, it.err, live.ErrBrokerUnavailable)
	}
	require.Equal(t, 2, it.connected.Connection)
	require.True(t, it.connected.Reconnect())
	want := expectedRetained(s)
	touched := 0
	for _, tr := range away {
		if w := want[tr.ClientID]; w.at.Equal(tr.Time) {
			touched++ // the last change of a device made while away
		}
	}
	require.Positive(t, touched)
	st.collectRetained(want)

	after, err := b.Flap(4, 40)
	require.NoError(t, err)
	st.expectLive(after) // exactly these, in order: nothing duplicated from before the drop
	require.Equal(t, 2, b.Connections())

	st.stop()
	select {
	case it := <-st.ch:
		t.Fatalf("unexpected item after the last change: %+v", it)
	default:
	}
	requireNoGoroutines(t, monitorGoroutines...)
}

// A payload that is not JSON, or has a field of the wrong type, is an error
// naming the topic, and the stream goes on.
func TestMonitorBadPayloadIsAnErrorAndTheStreamContinues(t *testing.T) {
	s, b := newMockBroker(t, 0, 0)
	s.AddClients(mockserver.ClientState{ClientID: "d:ab12cd:sensor:s-1", ConnectionStatus: mockserver.Disconnected})
	m, st := newMonitor(t, b, live.Config{})
	st.start(m)
	st.expectConnected(1) // nothing retained: s-1 has no time yet

	const topic = "iot-2/type/sensor/id/s-1/mon"
	require.NoError(t, b.PublishRaw(topic, []byte("not json"), false))
	require.NoError(t, b.PublishRaw(topic, []byte(`{"Action":"Connect","Time":"2024-06-01T12:00:00.000Z","ClientID":"d:ab12cd:sensor:s-1","Port":"8883"}`), false))
	require.NoError(t, b.PublishRaw("iot-2/type/sensor/id/s-2/mon", []byte(`{"Action":"Connect","Time":"2024-06-01T12:00:00.000Z","ClientID":"d:ab12cd:sensor:s-1"}`), false))
	tr, err := b.Connect("d:ab12cd:sensor:s-1")
	require.NoError(t, err)

	for i, want := range []string{"not a valid status message", `within "/Port"`, "does not belong to the topic"} {
		it := st.next()
		var me *live.MessageError
		require.ErrorAs(t, it.err, &me, "message %d", i)
		require.Contains(t, me.Error(), want)
		require.Contains(t, me.Error(), "iot-2/type/sensor/id/s-")
		require.ErrorIs(t, it.err, iotclient.ErrMalformedResponse)
		require.True(t, live.IsTransient(it.err))
	}
	st.expectLive([]mockbroker.Transition{tr})
	st.stop()
	requireNoGoroutines(t, monitorGoroutines...)
}

// Application status: a watcher sees an application connect, and a second
// connection with the same client ID kick it off with close code 288.
func TestMonitorApplicationStatusAndClientIDReuse(t *testing.T) {
	_, b := newMockBroker(t, 0, 0)
	watcher, ws := newMonitor(t, b, live.Config{
		AppID:         "watcher",
		Subscriptions: []live.Subscription{live.AppStatus("+")},
	})
	ws.start(watcher)
	ws.expectConnected(1)
	ev := ws.nextEvent() // its own Connect, retained
	require.Equal(t, "a:ab12cd:watcher", ev.ClientID)
	require.True(t, ev.Retained)

	// An app ID with '.' and '_', which IBM's SDKs failed to parse.
	app, as := newMonitor(t, b, live.Config{AppID: "dash.board_1"})
	as.start(app)
	as.expectConnected(1)
	ev = ws.nextEvent()
	require.Equal(t, live.ActionConnect, ev.Action)
	require.Equal(t, "iot-2/app/dash.board_1/mon", ev.Topic)
	id, err := ev.ParseClientID()
	require.NoError(t, err)
	require.Equal(t, clientstate.ClientID{Kind: clientstate.KindApp, Org: "ab12cd", AppID: "dash.board_1"}, id)
	require.Equal(t, mockserver.APIKey, ev.User)
	require.False(t, ev.Retained)

	// Another process with the same client ID.
	opts := mqtt.NewClientOptions().AddBroker(b.Addr()).SetClientID("a:ab12cd:dash.board_1").
		SetUsername(mockserver.APIKey).SetPassword(mockserver.APIToken).SetAutoReconnect(false)
	other := mqtt.NewClient(opts)
	tok := other.Connect()
	require.True(t, tok.WaitTimeout(monWait))
	require.NoError(t, tok.Error())
	defer other.Disconnect(0)

	for {
		ev = ws.nextEvent()
		if ev.ClientIDReused() {
			break
		}
	}
	require.Equal(t, "a:ab12cd:dash.board_1", ev.ClientID)
	require.Equal(t, live.ActionDisconnect, ev.Action)
	require.False(t, ev.Retained, "application Disconnect is not retained")

	// The kicked monitor reports the loss and reconnects (kicking the other).
	it := as.next()
	var ce *live.ConnectionError
	require.ErrorAs(t, it.err, &ce)
	require.True(t, ce.Lost)
	as.stop()
	ws.stop()
	requireNoGoroutines(t, "iotclient-go/clientstate.(*Monitor)")
}

// Refused credentials and client IDs are fatal: the stream ends with the
// error.
func TestMonitorFatalConnectErrors(t *testing.T) {
	_, b := newMockBroker(t, 0, 0)
	for name, tc := range map[string]struct {
		cfg  live.Config
		want error
	}{
		"bad token": {live.Config{Auth: auth.APIKey(mockserver.APIKey, "wrong")}, live.ErrBrokerUnauthorized},
		"other org": {live.Config{OrgID: "zz99zz"}, live.ErrClientIDRejected},
	} {
		t.Run(name, func(t *testing.T) {
			m, st := newMonitor(t, b, tc.cfg)
			st.start(m)
			it := st.next()
			require.ErrorIs(t, it.err, tc.want)
			var ce *live.ConnectionError
			require.ErrorAs(t, it.err, &ce)
			require.True(t, ce.Fatal)
			require.False(t, live.IsTransient(it.err))
			require.NotContains(t, it.err.Error(), mockserver.APIToken)
			select {
			case <-st.done:
			case it := <-st.ch:
				t.Fatalf("item after a fatal error: %+v", it)
			}
		})
	}
	requireNoGoroutines(t, monitorGoroutines...)
}

// Ranging twice at once is refused: both would share one client ID.
func TestMonitorOneStreamAtATime(t *testing.T) {
	_, b := newMockBroker(t, 0, 0)
	m, st := newMonitor(t, b, live.Config{})
	st.start(m)
	st.expectConnected(1)
	for _, err := range m.Events(t.Context()) {
		require.ErrorIs(t, err, live.ErrMonitorBusy)
		require.False(t, live.IsTransient(err))
	}
	st.stop()
	// Sequentially, ranging again connects again (m's OnConnect feeds st.ch).
	again := &monStream{t: t, ch: st.ch, done: make(chan struct{})}
	again.start(m)
	again.expectConnected(1)
	again.stop()
	requireNoGoroutines(t, monitorGoroutines...)
}
