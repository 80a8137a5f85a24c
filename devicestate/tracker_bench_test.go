package devicestate

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/notify"
)

// benchIDs are device IDs of IoTDA's two shapes: the platform's own
// {product_id}_{node_id} (a 24-character product ID and a 15-digit IMEI:
// 40 characters) and a 36-character UUID chosen at registration.
var benchIDs = map[string]func(i int) string{
	"product_node": func(i int) string { return fmt.Sprintf("64b8f1c2a3e5d70012ab34cd_86%013d", i) },
	"uuid": func(i int) string {
		return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(i)*2654435761, i&0xffff, i>>16&0xfff, 0x8000|i&0x3fff, i)
	},
}

// heapBudgetPerDevice is the most heap a tracked device may take.
const heapBudgetPerDevice = 256

func benchNote(id string, st notify.DeviceState, at time.Time) notify.Notification {
	return notify.Notification{
		Resource: notify.ResourceDeviceStatus, Event: notify.EventUpdate, Time: at,
		Header: notify.Header{DeviceID: id},
		Device: &notify.DeviceStatus{Status: st, StatusUpdatedAt: at},
	}
}

// BenchmarkTrackerMemory measures the heap a tracker of 1,000,000 devices
// holds, after a garbage collection, per device: every device came online
// once and a third of them dropped since. Run it with -benchtime 1x; it
// fails above heapBudgetPerDevice bytes per device.
func BenchmarkTrackerMemory(b *testing.B) {
	const devices = 1_000_000
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for name, id := range benchIDs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				before := heapAfterGC()
				now := t0.Add(time.Hour)
				tr := testTracker(&now)
				for i := range devices {
					// Each ID a string of its own, as a decoder hands it
					// over: the tracker keeps the first.
					at := t0.Add(time.Duration(i) * time.Microsecond)
					n := benchNote(id(i), notify.DeviceOnline, at)
					tr.apply(&n)
					if i%3 == 0 {
						n = benchNote(id(i), notify.DeviceOffline, at.Add(time.Minute))
						tr.apply(&n)
					}
				}
				after := heapAfterGC()
				if tr.Len() != devices {
					b.Fatalf("%d devices tracked, want %d", tr.Len(), devices)
				}
				perDevice := (float64(after) - float64(before)) / devices
				runtime.KeepAlive(tr)
				b.ReportMetric(perDevice, "bytes/device")
				if perDevice > heapBudgetPerDevice {
					b.Fatalf("%.0f bytes of heap per tracked device, above the budget of %d", perDevice, heapBudgetPerDevice)
				}
			}
		})
	}
}

// heapAfterGC is the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// benchStream is n notifications about a fleet of devices, 1 ms apart,
// each a change of status.
func benchStream(devices, n int, t0 time.Time) []notify.Notification {
	id := benchIDs["product_node"]
	statuses := []notify.DeviceState{notify.DeviceOnline, notify.DeviceOffline, notify.DeviceOnline, notify.DeviceAbnormal}
	out := make([]notify.Notification, n)
	for i := range out {
		d := i * 7919 % devices
		out[i] = benchNote(id(d), statuses[i/devices%len(statuses)], t0.Add(time.Duration(i+1)*time.Millisecond))
	}
	return out
}

// BenchmarkTrackerApply measures applying decoded device.status
// notifications to a tracker of 100,000 devices (the snapshot loaded), on
// one core with -cpu 1.
func BenchmarkTrackerApply(b *testing.B) {
	const devices, distinct = 100_000, 1 << 16
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	now := t0.Add(24 * time.Hour)
	tr := testTracker(&now)
	for i := range devices {
		tr.read(fromList, Device{ID: benchIDs["product_node"](i), Status: StatusOnline})
	}
	notes := benchStream(devices, distinct, t0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		tr.apply(&notes[i%distinct])
		i++
	}
	reportRates(b, cpu0)
}

// BenchmarkTrackerIngest measures what one core sustains from the wire:
// decoding a device.status document with notify.Decode and applying it.
func BenchmarkTrackerIngest(b *testing.B) {
	const devices, distinct = 100_000, 1 << 14
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	now := t0.Add(24 * time.Hour)
	tr := testTracker(&now)
	for i := range devices {
		tr.read(fromList, Device{ID: benchIDs["product_node"](i), Status: StatusOnline})
	}
	docs := make([][]byte, distinct)
	for i, n := range benchStream(devices, distinct, t0) {
		at := n.Device.StatusUpdatedAt
		docs[i] = fmt.Appendf(nil, `{"resource":"device.status","event":"update","event_time":%q,"event_time_ms":%q,"request_id":"3fe58d5e-8697-4849-a165-7db128f7e776","notify_data":{"header":{"device_id":%q,"product_id":"64b8f1c2a3e5d70012ab34cd","app_id":"d4922d8a-6c8e-4396-852c-164aefa6638f","gateway_id":%q,"node_id":"ABC123456789","tags":[{"tag_value":"testTagValue","tag_key":"testTagName"}]},"body":{"last_online_time":%q,"status":%q,"status_update_time":%q}}}`,
			at.Format("20060102T150405Z"), at.Format("2006-01-02T15:04:05.000Z"), n.Header.DeviceID, n.Header.DeviceID,
			at.Format("20060102T150405Z"), n.Device.Status, at.Format("2006-01-02T15:04:05.000Z"))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		n, err := notify.Decode(docs[i%distinct])
		if err != nil {
			b.Fatal(err)
		}
		tr.apply(&n)
		i++
	}
	reportRates(b, cpu0)
}

// reportRates reports notifications per second of wall time and per
// second of the process's CPU time (garbage collection included): on a
// machine shared with other work the second is what one core sustains.
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notes/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "notes/cpu-s")
	}
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
