package devicestate

import (
	"cmp"
	"slices"
	"time"
)

// State returns what the tracker knows of one device; ok is false for a
// device it has never heard of.
func (t *Tracker) State(deviceID string) (st TrackedDevice, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.store.index[deviceID]
	if !ok {
		return TrackedDevice{}, false
	}
	return t.store.state(int(i)), true
}

// Connected returns the devices currently ONLINE, by device ID.
func (t *Tracker) Connected() []TrackedDevice {
	return t.filter(func(s Status) bool { return s == StatusOnline })
}

// Disconnected returns the devices currently OFFLINE or ABNORMAL, by
// device ID (INACTIVE and FROZEN devices are in States).
func (t *Tracker) Disconnected() []TrackedDevice { return t.filter(Status.Disconnected) }

// States returns every device the tracker knows, by device ID.
func (t *Tracker) States() []TrackedDevice { return t.filter(func(Status) bool { return true }) }

// Len is how many devices the tracker knows.
func (t *Tracker) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.store.recs)
}

func (t *Tracker) filter(keep func(Status) bool) []TrackedDevice {
	t.mu.RLock()
	var out []TrackedDevice
	for i := range t.store.recs {
		if keep(t.store.statuses[t.store.recs[i].status]) {
			out = append(out, t.store.state(i))
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b TrackedDevice) int { return cmp.Compare(a.DeviceID, b.DeviceID) })
	return out
}

// FlappingDevice is a device that disconnected again and again in a
// window.
type FlappingDevice struct {
	DeviceID    string
	Status      Status         // the current status
	Disconnects int            // how many disconnects the window holds
	ByStatus    map[Status]int // the disconnects by the status gone to: OFFLINE or ABNORMAL
	Last        time.Time      // the newest of them
}

// Summary is a fleet's connectivity at a glance: the devices by status
// now, and the disconnects of a window by the status they went to.
type Summary struct {
	At     time.Time     // the end of the window: the tracker's clock
	Window time.Duration // its length
	// Devices is how many devices the tracker knows; ByStatus counts them
	// by current status; Connected (ONLINE) and Disconnected (OFFLINE and
	// ABNORMAL) add up two groups of those.
	Devices                 int
	ByStatus                map[Status]int
	Connected, Disconnected int
	// Disconnects in the window, each counted once however often its
	// notification arrived; DisconnectsByStatus counts them by the status
	// the device went to (OFFLINE or ABNORMAL: IoTDA pushes no cause);
	// DisconnectedDevices is how many devices they came from.
	Disconnects         int
	DisconnectsByStatus map[Status]int
	DisconnectedDevices int
}

// Flapping returns the devices with at least n (at least 1) disconnects
// in the window ending at the tracker's clock, worst first: most
// disconnects, then the most recent, then by device ID. A disconnect is a
// change to OFFLINE or ABNORMAL from another status; ABNORMAL then OFFLINE
// (an NB-IoT device silent for 25 h, then 49 h) is one. A window longer
// than TrackerConfig.History counts only what was kept.
func (t *Tracker) Flapping(window time.Duration, n int) []FlappingDevice {
	n = max(n, 1)
	to := millis(t.now())
	var out []FlappingDevice
	t.mu.RLock()
	for i := range t.store.recs {
		r := &t.store.recs[i]
		var by [2]int
		if count, last := t.store.disconnects(r.hist, to-window.Milliseconds(), to, &by); count >= n {
			out = append(out, FlappingDevice{DeviceID: t.store.ids[i], Status: t.store.statuses[r.status],
				Disconnects: count, ByStatus: byStatusMap(&by), Last: fromMillis(last)})
		}
	}
	t.mu.RUnlock()
	slices.SortFunc(out, func(a, b FlappingDevice) int {
		return cmp.Or(cmp.Compare(b.Disconnects, a.Disconnects), b.Last.Compare(a.Last), cmp.Compare(a.DeviceID, b.DeviceID))
	})
	return out
}

// Summary counts the devices by status now and the disconnects (as for
// Flapping) of the window ending at the tracker's clock by the status
// they went to: IoTDA pushes no disconnect cause, so the statuses stand
// where the IBM tracker's Summary counts causes.
func (t *Tracker) Summary(window time.Duration) Summary {
	at := t.now()
	to := millis(at)
	var by [2]int
	t.mu.RLock()
	defer t.mu.RUnlock()
	sum := Summary{At: at.UTC(), Window: window, Devices: len(t.store.recs), ByStatus: make(map[Status]int)}
	for i := range t.store.recs {
		r := &t.store.recs[i]
		st := t.store.statuses[r.status]
		sum.ByStatus[st]++
		if n, _ := t.store.disconnects(r.hist, to-window.Milliseconds(), to, &by); n > 0 {
			sum.DisconnectedDevices++
			sum.Disconnects += n
		}
	}
	sum.DisconnectsByStatus = byStatusMap(&by)
	sum.Connected = sum.ByStatus[StatusOnline]
	sum.Disconnected = sum.ByStatus[StatusOffline] + sum.ByStatus[StatusAbnormal]
	return sum
}
