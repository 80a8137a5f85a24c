package live

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/clientstate"
)

var windowT0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// windowTracker is a tracker without a network whose clock reads now.
func windowTracker(now time.Time, cfg TrackerConfig) *Tracker {
	cfg.Now = func() time.Time { return now }
	return &Tracker{cfg: cfg, store: newStore(cfg.History, cfg.MaxHistory)}
}

func TestTrackerFlappingAndSummary(t *testing.T) {
	at := func(min int) time.Time { return windowT0.Add(time.Duration(min) * time.Minute) }
	tr := windowTracker(at(60), TrackerConfig{})
	const flapper, reused, quiet = "d:ab12cd:pump:p-1", "d:ab12cd:pump:p-2", "d:ab12cd:pump:p-3"
	// p-1 drops five times in the last ten minutes (and once long before).
	tr.apply(statusEvent(ActionDisconnect, flapper, at(5), 160))
	for i, code := range []int{160, 160, 91, 164, 160} {
		tr.apply(statusEvent(ActionConnect, flapper, at(50+2*i), 0))
		tr.apply(statusEvent(ActionDisconnect, flapper, at(51+2*i), code))
	}
	// p-2 is kicked off three times by another process with its ID.
	tr.apply(statusEvent(ActionConnect, reused, at(40), 0))
	for _, m := range []int{52, 55, 58} {
		tr.apply(statusEvent(ActionDisconnect, reused, at(m), 288))
	}
	tr.apply(statusEvent(ActionConnect, quiet, at(30), 0))
	tr.apply(statusEvent(ActionFailedConnect, "d:ab12cd:pump:p-4", at(59), 180))

	got := tr.Flapping(10*time.Minute, 3)
	require.Len(t, got, 2)
	assert.Equal(t, FlappingClient{
		ClientID: flapper, Status: clientstate.StatusDisconnected, Disconnects: 5, Last: at(59),
		ByCause: map[clientstate.Cause]int{clientstate.CauseKeepAliveTimeout: 3, clientstate.CauseClientInitiated: 1, clientstate.CauseConnectionLost: 1},
	}, got[0])
	assert.Equal(t, FlappingClient{
		ClientID: reused, Status: clientstate.StatusConnected, Disconnects: 3, Last: at(58),
		ByCause: map[clientstate.Cause]int{clientstate.CauseDuplicateClientID: 3},
	}, got[1])
	assert.Len(t, tr.Flapping(10*time.Minute, 4), 1, "only p-1 has four")
	assert.Len(t, tr.Flapping(time.Hour, 6), 1, "the old drop counts in an hour")
	assert.Len(t, tr.Flapping(time.Minute, 1), 0, "none in the last minute")

	sum := tr.Summary(10 * time.Minute)
	assert.Equal(t, Summary{
		At: at(60), Window: 10 * time.Minute, Clients: 4, Connected: 2, Disconnected: 1,
		ByStatus:    map[clientstate.ConnectionStatus]int{clientstate.StatusConnected: 2, clientstate.StatusDisconnected: 1, StatusUnknown: 1},
		Disconnects: 8, DisconnectedClients: 2,
		ByCause: map[clientstate.Cause]int{
			clientstate.CauseKeepAliveTimeout: 3, clientstate.CauseClientInitiated: 1,
			clientstate.CauseConnectionLost: 1, clientstate.CauseDuplicateClientID: 3,
		},
	}, sum)
	st, _ := tr.State(flapper)
	assert.Equal(t, clientstate.CauseKeepAliveTimeout, st.LastCause)
}

func TestTrackerHistoryIsBounded(t *testing.T) {
	tr := windowTracker(windowT0.Add(24*time.Hour), TrackerConfig{History: time.Hour, MaxHistory: 4})
	const id = "d:ab12cd:pump:p-1"
	for m := range 10 { // one a minute: the cap keeps the newest four
		tr.apply(statusEvent(ActionDisconnect, id, windowT0.Add(time.Duration(m)*time.Minute), 160))
	}
	got := tr.Flapping(48*time.Hour, 1)
	require.Len(t, got, 1)
	assert.Equal(t, 4, got[0].Disconnects)
	// A drop two hours later pushes every older one out of the history,
	// and a late one older than the history is not kept.
	tr.apply(statusEvent(ActionDisconnect, id, windowT0.Add(2*time.Hour), 91))
	tr.apply(statusEvent(ActionDisconnect, id, windowT0.Add(30*time.Minute), 91))
	got = tr.Flapping(48*time.Hour, 1)
	require.Len(t, got, 1)
	assert.Equal(t, 1, got[0].Disconnects)
}

// genEvents makes n events over clients, each client's in time order
// with distinct times, and counts their disconnects by cause.
func genEvents(r *rand.Rand, n, clients int) ([]Event, map[clientstate.Cause]int) {
	codes := []int{0, 91, 91, 92, 94, 160, 160, 160, 163, 164, 173, 180, 288, 288, 999}
	connected := make([]bool, clients)
	counts := map[clientstate.Cause]int{}
	evs := make([]Event, 0, n)
	for i := range n {
		c := r.IntN(clients)
		id := fmt.Sprintf("d:ab12cd:meter:m-%04d", c)
		at := windowT0.Add(time.Duration(i) * 100 * time.Millisecond) // 10,000 events: under 17 minutes
		var ev Event
		switch {
		case !connected[c] && r.IntN(6) == 0:
			ev = statusEvent(ActionFailedConnect, id, at, 180)
		case !connected[c]:
			ev = statusEvent(ActionConnect, id, at, 0)
			connected[c] = true
		default:
			ev = statusEvent(ActionDisconnect, id, at, codes[r.IntN(len(codes))])
			ev.Reason = CloseCodeText(ev.CloseCode)
			connected[c] = ev.CloseCode == CloseClientIDReused
			counts[ev.Cause()]++
		}
		evs = append(evs, ev)
	}
	return evs, counts
}

// deliver is evs as a broker might deliver them: 5% repeated (a retained
// message again after a resubscription, QoS 1 redelivery) and 10% late.
func deliver(r *rand.Rand, evs []Event) (out []Event, dups, late int) {
	out = slices.Clone(evs)
	for i := len(out) - 1; i >= 0; i-- {
		if r.IntN(10) == 0 && i+1 < len(out) { // late: moved up to 200 places on
			ev := out[i]
			to := min(len(out)-1, i+1+r.IntN(200))
			copy(out[i:to], out[i+1:to+1])
			out[to] = ev
			late++
		}
	}
	for range len(evs) / 20 {
		i := r.IntN(len(out))
		at := min(len(out), i+r.IntN(300))
		out = slices.Insert(out, at, out[i])
		dups++
	}
	return out, dups, late
}

func TestTrackerLateAndRepeatedEventsCountOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2024))
	evs, counts := genEvents(r, 10000, 400)
	messy, dups, late := deliver(r, evs)
	require.Equal(t, 500, dups)
	require.InDelta(t, 1000, late, 150)

	now := windowT0.Add(20 * time.Minute) // the events span under 17 minutes
	cfg := TrackerConfig{History: 2 * time.Hour, MaxHistory: 2000}
	inOrder, delivered := windowTracker(now, cfg), windowTracker(now, cfg)
	for _, ev := range evs {
		inOrder.apply(ev)
	}
	for _, ev := range messy {
		delivered.apply(ev)
	}

	want, got := inOrder.States(), delivered.States()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i], got[i], "the same state for every client")
	}
	sum := inOrder.Summary(2 * time.Hour)
	assert.Equal(t, counts, sum.ByCause, "every disconnect generated is counted, by its cause")
	assert.Equal(t, sum, delivered.Summary(2*time.Hour), "the same counts")
	assert.Equal(t, inOrder.Flapping(10*time.Minute, 3), delivered.Flapping(10*time.Minute, 3))
	assert.NotEmpty(t, inOrder.Flapping(10*time.Minute, 3))
	assert.Positive(t, sum.Connected)
	assert.Positive(t, sum.Disconnected)
}

// The windows end at the tracker's clock. A status message stamped a day
// ahead (a platform clock gone wrong) counts as of now: it moves no
// window, for the fleet or its own client, and pushes none of the recent
// drops out of the history.
func TestTrackerWindowEndsAtNowWhateverTheEventTimes(t *testing.T) {
	tr := windowTracker(windowT0, TrackerConfig{})
	const dropper, other = "d:ab12cd:pump:p-1", "d:ab12cd:pump:p-2"
	for s := 30; s < 300; s += 60 { // five drops in the last five minutes
		tr.apply(statusEvent(ActionDisconnect, dropper, windowT0.Add(-time.Duration(s)*time.Second), 160))
	}
	tomorrow := windowT0.Add(24 * time.Hour)
	tr.apply(statusEvent(ActionDisconnect, other, tomorrow, 91))

	sum := tr.Summary(10 * time.Minute)
	assert.Equal(t, windowT0, sum.At)
	assert.Equal(t, 6, sum.Disconnects, "the last five minutes' drops, and the future one as of now")
	assert.Equal(t, 2, sum.DisconnectedClients)
	assert.Equal(t, map[clientstate.Cause]int{clientstate.CauseKeepAliveTimeout: 5, clientstate.CauseClientInitiated: 1}, sum.ByCause)

	tr.apply(statusEvent(ActionDisconnect, dropper, tomorrow, 91))
	sum = tr.Summary(10 * time.Minute)
	assert.Equal(t, windowT0, sum.At)
	assert.Equal(t, map[clientstate.Cause]int{clientstate.CauseKeepAliveTimeout: 5, clientstate.CauseClientInitiated: 2}, sum.ByCause)
	assert.Equal(t, 3, tr.Summary(time.Minute).Disconnects, "the drop 30 s ago and the two future ones")
	assert.Zero(t, tr.Summary(0).Disconnects, "an empty window")

	got := tr.Flapping(10*time.Minute, 6)
	require.Len(t, got, 1)
	assert.Equal(t, FlappingClient{ClientID: dropper, Status: clientstate.StatusDisconnected, Disconnects: 6, Last: windowT0,
		ByCause: map[clientstate.Cause]int{clientstate.CauseKeepAliveTimeout: 5, clientstate.CauseClientInitiated: 1}}, got[0])
}
