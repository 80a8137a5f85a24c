package devicestate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/notify"
)

// The merge rules of the tracker, step by step, without a network.

var mt0 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func sec(s float64) time.Time { return mt0.Add(time.Duration(s * float64(time.Second))) }

// testTracker is a tracker whose clock the test sets.
func testTracker(now *time.Time) *Tracker {
	return &Tracker{cfg: TrackerConfig{Now: func() time.Time { return *now }}, store: newStore(0, 0)}
}

func statusNote(id string, st notify.DeviceState, changed, event time.Time) notify.Notification {
	return notify.Notification{
		Resource: notify.ResourceDeviceStatus, Event: notify.EventUpdate, Time: event,
		Header: notify.Header{DeviceID: id, ProductID: "p1"},
		Device: &notify.DeviceStatus{Status: st, StatusUpdatedAt: changed},
	}
}

func TestTrackerMergeNewestWins(t *testing.T) {
	now := sec(1000)
	tr := testTracker(&now)
	const id = "p1_n1"
	steps := []struct {
		name    string
		n       notify.Notification
		applied bool
		status  Status
		since   time.Time
	}{
		{"first online", statusNote(id, "ONLINE", sec(10), sec(10.5)), true, StatusOnline, sec(10)},
		{"an older offline: not news for the status", statusNote(id, "OFFLINE", sec(5), sec(5)), false, StatusOnline, sec(10)},
		{"online again: since stays", statusNote(id, "ONLINE", sec(15), sec(15)), true, StatusOnline, sec(10)},
		{"offline", statusNote(id, "OFFLINE", sec(30), sec(30)), true, StatusOffline, sec(30)},
		{"a duplicate is harmless", statusNote(id, "OFFLINE", sec(30), sec(31)), false, StatusOffline, sec(30)},
		{"the event time stands in for a missing change time", statusNote(id, "ABNORMAL", time.Time{}, sec(40)), true, StatusAbnormal, sec(40)},
		{"FREEZED reads as FROZEN", statusNote(id, "FREEZED", sec(50), sec(50)), true, StatusFrozen, sec(50)},
		{"a late online before the offline fills the history only", statusNote(id, "ONLINE", sec(20), sec(20)), false, StatusFrozen, sec(50)},
	}
	for _, s := range steps {
		require.Equal(t, s.applied, tr.apply(&s.n), s.name)
		st, ok := tr.State(id)
		require.True(t, ok)
		require.Equal(t, s.status, st.Status, s.name)
		require.Equal(t, s.since, st.Since, s.name)
		require.True(t, st.Live)
	}
	// Sorted by time the history reads: offline 5, online 10, 15, 20,
	// offline 30, abnormal 40, frozen 50: two disconnects (abnormal right
	// after offline is not another).
	sum := tr.Summary(time.Hour)
	assert.Equal(t, 2, sum.Disconnects)
	assert.Equal(t, map[Status]int{StatusOffline: 2}, sum.DisconnectsByStatus)
	assert.Equal(t, map[Status]int{StatusFrozen: 1}, sum.ByStatus)
	assert.Equal(t, 1, tr.Len())
}

func TestTrackerSinceIsTheStartOfTheRunWhateverTheOrder(t *testing.T) {
	now := sec(1000)
	notes := []notify.Notification{
		statusNote("d", "OFFLINE", sec(1), sec(1)),
		statusNote("d", "ONLINE", sec(2), sec(2)),
		statusNote("d", "ONLINE", sec(3), sec(3)),
		statusNote("d", "ONLINE", sec(4), sec(4)),
	}
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {3, 1, 2, 0, 1, 3}} {
		tr := testTracker(&now)
		for _, i := range order {
			tr.apply(&notes[i])
		}
		st, _ := tr.State("d")
		assert.Equal(t, StatusOnline, st.Status, "%v", order)
		assert.Equal(t, sec(2), st.Since, "%v", order)
		assert.Equal(t, sec(4), st.Updated, "%v", order)
	}
}

func TestTrackerMergesRESTReads(t *testing.T) {
	now := sec(1000)
	tr := testTracker(&now)
	// The snapshot: a list says the status, not since when.
	tr.read(fromList, Device{ID: "a", Status: StatusOnline}, Device{ID: "b", Status: StatusOffline}, Device{ID: "c", Status: StatusInactive})
	st, _ := tr.State("a")
	assert.Equal(t, TrackedDevice{DeviceID: "a", Status: StatusOnline, Updated: sec(970)}, st, "read at now less the skew; since unknown")

	// A notification from before the read (less the skew) says nothing
	// new; one after it wins.
	assert.False(t, tr.apply(ptr(statusNote("a", "OFFLINE", sec(960), sec(960)))))
	assert.True(t, tr.apply(ptr(statusNote("b", "ONLINE", sec(980), sec(980)))))
	st, _ = tr.State("a")
	assert.Equal(t, StatusOnline, st.Status)
	assert.True(t, st.Since.IsZero(), "the old offline does not date the list's online")
	st, _ = tr.State("b")
	assert.Equal(t, TrackedDevice{DeviceID: "b", Status: StatusOnline, Since: sec(980), Updated: sec(980), Live: true}, st)

	// Get dates the status with connection_status_update_time.
	now = sec(2000)
	tr.read(fromGet, Device{ID: "a", Status: StatusOffline, StatusChangedAt: sec(1500)})
	st, _ = tr.State("a")
	assert.Equal(t, TrackedDevice{DeviceID: "a", Status: StatusOffline, Since: sec(1500), Updated: sec(1970)}, st)
	// ...and counts as a disconnect the push of which was lost.
	assert.Equal(t, 1, tr.Summary(time.Hour).Disconnects)
	// The same change pushed late is the same change.
	assert.False(t, tr.apply(ptr(statusNote("a", "OFFLINE", sec(1500), sec(1500)))))
	assert.Equal(t, 1, tr.Summary(time.Hour).Disconnects)

	// A list agreeing with a notified status keeps its since.
	tr.read(fromList, Device{ID: "b", Status: StatusOnline})
	st, _ = tr.State("b")
	assert.Equal(t, sec(980), st.Since)
	assert.False(t, st.Live)
	// A later list that disagrees: the status is the list's, since
	// unknown.
	now = sec(2001)
	tr.read(fromList, Device{ID: "b", Status: StatusOffline})
	st, _ = tr.State("b")
	assert.Equal(t, StatusOffline, st.Status)
	assert.True(t, st.Since.IsZero())

	// A Get of a status connection_status_update_time does not date.
	tr.read(fromGet, Device{ID: "c", Status: StatusFrozen, StatusChangedAt: sec(100)})
	st, _ = tr.State("c")
	assert.Equal(t, TrackedDevice{DeviceID: "c", Status: StatusFrozen, Updated: sec(1971)}, st)

	assert.Empty(t, tr.Connected())
	assert.Equal(t, []string{"a", "b"}, stateIDs(tr.Disconnected()))
	assert.Equal(t, []string{"a", "b", "c"}, stateIDs(tr.States()))
}

func TestTrackerClampsTimesFromTheFuture(t *testing.T) {
	now := sec(100)
	tr := testTracker(&now)
	assert.True(t, tr.apply(ptr(statusNote("d", "OFFLINE", sec(100+24*3600), sec(100)))))
	st, _ := tr.State("d")
	assert.Equal(t, sec(130), st.Updated, "a day ahead counts as now plus the skew")
	now = sec(200)
	assert.True(t, tr.apply(ptr(statusNote("d", "ONLINE", sec(190), sec(190)))), "so it does not block the next day's changes")
	assert.Equal(t, 1, tr.Summary(time.Hour).Disconnects)
	// A notification without any time counts as now.
	assert.True(t, tr.apply(ptr(statusNote("e", "ONLINE", time.Time{}, time.Time{}))))
	st, _ = tr.State("e")
	assert.Equal(t, sec(200), st.Since)
}

func TestTrackerFlappingAndSummaryWindows(t *testing.T) {
	now := sec(3600)
	tr := testTracker(&now)
	// d1 drops three times in the last 10 minutes; d2 once; d3 goes
	// abnormal then offline (one disconnect); d4 dropped two hours ago.
	for _, n := range []notify.Notification{
		statusNote("d1", "ONLINE", sec(3000), sec(3000)), statusNote("d1", "OFFLINE", sec(3100), sec(3100)),
		statusNote("d1", "ONLINE", sec(3200), sec(3200)), statusNote("d1", "OFFLINE", sec(3300), sec(3300)),
		statusNote("d1", "ONLINE", sec(3400), sec(3400)), statusNote("d1", "OFFLINE", sec(3500), sec(3500)),
		statusNote("d2", "ONLINE", sec(3000), sec(3000)), statusNote("d2", "OFFLINE", sec(3550), sec(3550)),
		statusNote("d3", "ONLINE", sec(3000), sec(3000)), statusNote("d3", "ABNORMAL", sec(3100), sec(3100)),
		statusNote("d3", "OFFLINE", sec(3200), sec(3200)),
		statusNote("d4", "OFFLINE", sec(-3600), sec(-3600)),
		// A notification stamped in the future moves no window.
		statusNote("d5", "ONLINE", sec(9000), sec(9000)),
	} {
		tr.apply(&n)
	}
	fl := tr.Flapping(10*time.Minute, 2)
	require.Len(t, fl, 1)
	assert.Equal(t, FlappingDevice{DeviceID: "d1", Status: StatusOffline, Disconnects: 3,
		ByStatus: map[Status]int{StatusOffline: 3}, Last: sec(3500)}, fl[0])
	fl = tr.Flapping(10*time.Minute, 1)
	assert.Equal(t, []string{"d1", "d2", "d3"}, flappingIDs(fl), "most disconnects, then the most recent")
	assert.Equal(t, map[Status]int{StatusAbnormal: 1}, fl[2].ByStatus)

	sum := tr.Summary(10 * time.Minute)
	assert.Equal(t, sec(3600), sum.At)
	assert.Equal(t, 5, sum.Devices)
	assert.Equal(t, 5, sum.Disconnects)
	assert.Equal(t, 3, sum.DisconnectedDevices)
	assert.Equal(t, map[Status]int{StatusOffline: 4, StatusAbnormal: 1}, sum.DisconnectsByStatus)
	assert.Equal(t, map[Status]int{StatusOffline: 4, StatusOnline: 1}, sum.ByStatus)
	assert.Equal(t, 1, sum.Connected)
	assert.Equal(t, 4, sum.Disconnected)
	assert.Equal(t, 2, tr.Summary(2*time.Minute).Disconnects, "d1's at 3500 and d2's at 3550")
	assert.Equal(t, 6, tr.Summary(3*time.Hour).Disconnects, "d4's two hours ago")
}

func ptr[T any](v T) *T { return &v }

func stateIDs(states []TrackedDevice) []string {
	var out []string
	for _, s := range states {
		out = append(out, s.DeviceID)
	}
	return out
}

func flappingIDs(fl []FlappingDevice) []string {
	out := make([]string, len(fl))
	for i, f := range fl {
		out[i] = f.DeviceID
	}
	return out
}
