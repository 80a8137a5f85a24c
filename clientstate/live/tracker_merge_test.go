package live

import (
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// The merge rules of the tracker, event by event, without a network.

func trackerForTest() *Tracker { return &Tracker{store: newStore(0, 0)} }

func statusEvent(action Action, id string, at time.Time, code int) Event {
	if _, err := clientstate.ParseClientID(id); err != nil {
		panic(err)
	}
	return Event{Action: action, ClientID: id, Time: at, CloseCode: code}
}

func TestTrackerMergeNewestWins(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	const id = "d:ab12cd:sensor:s-1"
	steps := []struct {
		name    string
		ev      Event
		applied bool
		status  clientstate.ConnectionStatus
		since   time.Time
		code    int
	}{
		{"first connect", statusEvent(ActionConnect, id, at(10), 0), true, clientstate.StatusConnected, at(10), 0},
		{"older disconnect: no news for the status, but the last disconnect", statusEvent(ActionDisconnect, id, at(5), 91), false, clientstate.StatusConnected, at(10), 91},
		{"reuse keeps it connected", statusEvent(ActionDisconnect, id, at(20), 288), true, clientstate.StatusConnected, at(10), 288},
		{"failed connect changes no status", statusEvent(ActionFailedConnect, id, at(25), 180), true, clientstate.StatusConnected, at(10), 288},
		{"disconnect", statusEvent(ActionDisconnect, id, at(30), 160), true, clientstate.StatusDisconnected, at(30), 160},
		{"retained redelivery (same time) is harmless", statusEvent(ActionDisconnect, id, at(30), 160), true, clientstate.StatusDisconnected, at(30), 160},
		{"reuse at the same time does not override", statusEvent(ActionDisconnect, id, at(30), 288), true, clientstate.StatusDisconnected, at(30), 288},
		{"newer reuse: a connection has the ID", statusEvent(ActionDisconnect, id, at(40), 288), true, clientstate.StatusConnected, at(40), 288},
		{"unknown action", statusEvent("Rebooted", id, at(50), 0), false, clientstate.StatusConnected, at(40), 288},
	}
	tr := trackerForTest()
	for _, s := range steps {
		if got := tr.apply(s.ev); got != s.applied {
			t.Fatalf("%s: applied %v, want %v", s.name, got, s.applied)
		}
		st, ok := tr.State(id)
		if !ok || st.Status != s.status || !st.Since.Equal(s.since) || st.LastCloseCode != s.code {
			t.Fatalf("%s: state %+v, want %s since %s code %d", s.name, st, s.status, s.since, s.code)
		}
	}
	if st, _ := tr.State(id); !st.LastFailedConnect.Equal(at(25)) || !st.Live {
		t.Fatalf("state %+v", st)
	}
}

func TestTrackerMergeSnapshotAndEvents(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	tr := trackerForTest()
	// An event that arrived before the snapshot is applied is kept when
	// the snapshot is older...
	tr.apply(statusEvent(ActionDisconnect, "d:ab12cd:t:new", t0.Add(time.Minute), 91))
	// ...and loses to a newer one.
	tr.apply(statusEvent(ActionConnect, "d:ab12cd:t:old", t0, 0))
	tr.load([]clientstate.State{
		{ClientID: "d:ab12cd:t:new", Status: clientstate.StatusConnected, LastConnected: t0},
		{ClientID: "d:ab12cd:t:old", Status: clientstate.StatusDisconnected, LastConnected: t0, LastDisconnected: t0.Add(time.Hour), DisconnectReasonCode: 92},
		{ClientID: "d:ab12cd:t:never", Status: clientstate.StatusDisconnected},
		{ClientID: "a:ab12cd:app", Status: "suspended"},
	}...)
	for id, want := range map[string]clientstate.ConnectionStatus{
		"d:ab12cd:t:new": clientstate.StatusDisconnected, "d:ab12cd:t:old": clientstate.StatusDisconnected, "d:ab12cd:t:never": clientstate.StatusDisconnected, "a:ab12cd:app": "suspended",
	} {
		if st, _ := tr.State(id); st.Status != want {
			t.Errorf("%s: %s, want %s", id, st.Status, want)
		}
	}
	if st, _ := tr.State("d:ab12cd:t:old"); st.LastCloseCode != 92 || st.Live {
		t.Errorf("snapshot state %+v", st)
	}
	// A client with no times takes any event.
	tr.apply(statusEvent(ActionConnect, "d:ab12cd:t:never", t0.Add(-24*time.Hour), 0))
	if st, _ := tr.State("d:ab12cd:t:never"); st.Status != clientstate.StatusConnected {
		t.Errorf("state %+v", st)
	}
	// A reuse is news of a connection: it marks a client never heard of
	// connected.
	tr.apply(statusEvent(ActionDisconnect, "d:ab12cd:t:fresh", t0, 288))
	if st, _ := tr.State("d:ab12cd:t:fresh"); st.Status != clientstate.StatusConnected {
		t.Errorf("state %+v", st)
	}
	tr.apply(statusEvent(ActionFailedConnect, "d:ab12cd:t:failing", t0, 180))
	if st, _ := tr.State("d:ab12cd:t:failing"); st.Status != StatusUnknown || st.Status.Known() {
		t.Errorf("state %+v", st)
	}
	if got := len(tr.Connected()); got != 2 {
		t.Errorf("%d connected, want 2", got)
	}
	if got, want := len(tr.States()), tr.Len(); got != want || got != 6 {
		t.Errorf("%d states, Len %d, want 6", got, want)
	}
}

// A Connect newer than what the tracker knows starts the current
// connection, even with no Disconnect seen before it: the REST state lags,
// and a retained Connect overwrites the Disconnect before it on the
// broker. A client-ID reuse (288) starts none: the client never went
// offline. Any arrival order ends in the same state.
func TestTrackerSinceMovesToANewerConnect(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	const id = "d:ab12cd:sensor:s-1"
	snapshot := clientstate.State{ClientID: id, Status: clientstate.StatusConnected,
		LastConnected: t0, LastDisconnected: t0.Add(-time.Minute), DisconnectReasonCode: 160, HasDisconnectReasonCode: true}
	steps := []struct {
		name  string
		ev    Event
		since time.Time
	}{
		{"retained Connect newer than the snapshot", statusEvent(ActionConnect, id, t0.Add(30*time.Second), 0), t0.Add(30 * time.Second)},
		{"reuse: still the same connection's time", statusEvent(ActionDisconnect, id, t0.Add(time.Minute), 288), t0.Add(30 * time.Second)},
		{"the new connection's Connect", statusEvent(ActionConnect, id, t0.Add(time.Minute+5*time.Millisecond), 0), t0.Add(time.Minute + 5*time.Millisecond)},
		{"an older Connect arriving late", statusEvent(ActionConnect, id, t0.Add(45*time.Second), 0), t0.Add(time.Minute + 5*time.Millisecond)},
		{"a reuse later still", statusEvent(ActionDisconnect, id, t0.Add(2*time.Minute), 288), t0.Add(time.Minute + 5*time.Millisecond)},
	}
	tr := trackerForTest()
	tr.load(snapshot)
	st, _ := tr.State(id)
	if !st.Since.Equal(t0) {
		t.Fatalf("snapshot: since %s, want %s", st.Since, t0)
	}
	for _, s := range steps {
		tr.apply(s.ev)
		st, _ := tr.State(id)
		if st.Status != clientstate.StatusConnected || !st.Since.Equal(s.since) {
			t.Fatalf("%s: %s since %s, want connected since %s", s.name, st.Status, st.Since, s.since)
		}
	}
	want, _ := tr.State(id)
	for _, order := range [][]int{{4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}, {1, 4, 0, 3, 2}} {
		other := trackerForTest()
		other.load(snapshot)
		for _, i := range order {
			other.apply(steps[i].ev)
		}
		if got, _ := other.State(id); got != want {
			t.Errorf("order %v: %+v, want %+v", order, got, want)
		}
	}
}

func TestTrackerMergeLastReason(t *testing.T) {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	const id = "d:ab12cd:sensor:s-1"
	withReason := func(ev Event, reason string) Event { ev.Reason = reason; return ev }
	tr := trackerForTest()
	reason := func() string {
		st, _ := tr.State(id)
		return st.LastReason
	}
	tr.apply(statusEvent(ActionConnect, id, at(0), 0))
	if got := reason(); got != "" {
		t.Fatalf("never disconnected: LastReason %q, want none", got)
	}
	tr.apply(withReason(statusEvent(ActionDisconnect, id, at(10), 160), "timed out (keepalive)"))
	tr.apply(withReason(statusEvent(ActionDisconnect, id, at(5), 91), "closed by client")) // older
	if got := reason(); got != "timed out (keepalive)" {
		t.Fatalf("LastReason %q, want the newest disconnect's", got)
	}
	tr.load(clientstate.State{ClientID: id, Status: clientstate.StatusDisconnected, LastDisconnected: at(20), DisconnectReasonCode: 91})
	if got := reason(); got != "" {
		t.Fatalf("after a newer disconnect from the snapshot, which has no reason: LastReason %q", got)
	}
	tr.apply(withReason(statusEvent(ActionDisconnect, id, at(30), 0), ""))
	tr.apply(withReason(statusEvent(ActionDisconnect, id+"2", at(30), 160), "timed out (keepalive)"))
	if got := reason(); got != "" {
		t.Fatalf("a disconnect without a reason: LastReason %q", got)
	}
	if st, _ := tr.State(id + "2"); st.LastReason != "timed out (keepalive)" {
		t.Fatalf("another client: LastReason %q", st.LastReason)
	}
}
