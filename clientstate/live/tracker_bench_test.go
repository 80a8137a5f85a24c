package live

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// benchTypes are device types of a realistic fleet.
var benchTypes = []string{"TemperatureSensor", "pump-v2", "meter.elec", "edge-gw", "Cam_01", "sensor", "x"}

// benchMessage is a status message as the platform publishes it: a
// Connect, or a Disconnect with every field (about 400 bytes), of the
// client id(i % clients).
func benchMessage(i, clients int, at time.Time, id func(c int) clientstate.ClientID) (topic string, payload []byte) {
	c := i % clients
	cid := id(c)
	topic = monitorTopic(cid)
	ts := at.Format("2006-01-02T15:04:05.000Z07:00")
	if i%2 == 0 {
		return topic, fmt.Appendf(nil, `{"Action":"Connect","Time":%q,"ClientAddr":"198.51.100.%d","ClientID":%q,"Port":8883,"Secure":true,"Protocol":"mqtt4","User":"use-token-auth"}`,
			ts, c%250+1, cid.String())
	}
	code := []int{91, 160, 160, 288, 164, 0}[i/2%6]
	return topic, fmt.Appendf(nil, `{"Action":"Disconnect","Time":%q,"ClientAddr":"198.51.100.%d","ClientID":%q,"Port":8883,"Secure":true,"Protocol":"mqtt4","User":"use-token-auth","ConnectTime":%q,"CloseCode":%d,"Reason":%q,"ReadBytes":23456,"ReadMsg":240,"WriteBytes":3120,"WriteMsg":60}`,
		ts, c%250+1, cid.String(), at.Add(-time.Hour).Format("2006-01-02T15:04:05.000Z07:00"), code, CloseCodeText(code))
}

// BenchmarkTrackerIngest measures what one core sustains: decoding a
// status message with the live package's parser (go-json-experiment/json)
// and applying it to a tracker of 100,000 clients.
func BenchmarkTrackerIngest(b *testing.B) { benchTrackerIngest(b, benchSeededID) }

// BenchmarkTrackerIngestUUID is BenchmarkTrackerIngest with device IDs that
// are UUIDs, which the tracker keeps in binary.
func BenchmarkTrackerIngestUUID(b *testing.B) { benchTrackerIngest(b, benchUUIDID(100_000)) }

func benchTrackerIngest(b *testing.B, id func(c int) clientstate.ClientID) {
	const clients, distinct = 100_000, 1 << 14
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	tr := trackerForTest()
	for c := range clients { // the fleet is known already
		topic, payload := benchMessage(2*c, clients, t0, id)
		ev, err := ParseStatusMessage(topic, payload)
		if err != nil {
			b.Fatal(err)
		}
		tr.apply(ev)
	}
	type msg struct {
		topic   string
		payload []byte
	}
	msgs := make([]msg, distinct)
	for i := range msgs {
		msgs[i].topic, msgs[i].payload = benchMessage(i*7919, clients, t0.Add(time.Duration(i+1)*time.Millisecond), id)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		m := &msgs[i%distinct]
		ev, err := ParseStatusMessage(m.topic, m.payload)
		if err != nil {
			b.Fatal(err)
		}
		tr.apply(ev)
		i++
	}
	reportRates(b, cpu0)
}

// reportRates reports messages per second of wall time and per second of
// the process's CPU time (garbage collection included): on a machine
// shared with other work the second is what one core sustains.
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "msgs/cpu-s")
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

// heapBudgetPerClient is the most heap a tracked client may take.
const heapBudgetPerClient = 256

// BenchmarkTrackerMemory measures the heap a tracker of 1,000,000 clients
// holds, after a garbage collection, per client: every client connected
// once and a third of them disconnected since. It runs twice: with device
// IDs like dev-123456, and with 36-character UUIDs, the shape many fleets
// use. Run it with -benchtime 1x; it fails above heapBudgetPerClient bytes
// per client.
func BenchmarkTrackerMemory(b *testing.B) {
	const clients = 1_000_000
	for _, ids := range []struct {
		name string
		id   func(c int) clientstate.ClientID
	}{{"ids=seeded", benchSeededID}, {"ids=uuid", benchUUIDID(clients)}} {
		b.Run(ids.name, func(b *testing.B) {
			for b.Loop() {
				perClient := trackerHeapPerClient(b, clients, ids.id)
				b.ReportMetric(perClient, "bytes/client")
				if perClient > heapBudgetPerClient {
					b.Fatalf("%.0f bytes of heap per tracked client, above the budget of %d", perClient, heapBudgetPerClient)
				}
			}
		})
	}
}

// benchSeededID is the ID of the client c, like the mock's seeded ones.
func benchSeededID(c int) clientstate.ClientID {
	return clientstate.ClientID{Kind: clientstate.KindDevice, Org: "ab12cd", TypeID: benchTypes[c%len(benchTypes)], DeviceID: "dev-" + strconv.Itoa(c)}
}

// benchUUIDID returns the IDs of n clients whose device IDs are random
// version 4 UUIDs in canonical form, the same on every run.
func benchUUIDID(n int) func(c int) clientstate.ClientID {
	rnd := rand.New(rand.NewPCG(1, 2))
	uuids := make([]string, n)
	for i := range uuids {
		var u [16]byte
		binary.LittleEndian.PutUint64(u[:8], rnd.Uint64())
		binary.LittleEndian.PutUint64(u[8:], rnd.Uint64())
		u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80 // version 4, RFC 9562 variant
		uuids[i] = fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	}
	return func(c int) clientstate.ClientID {
		return clientstate.ClientID{Kind: clientstate.KindDevice, Org: "ab12cd", TypeID: benchTypes[c%len(benchTypes)], DeviceID: uuids[c]}
	}
}

// trackerHeapPerClient is the heap, after a garbage collection, that a
// tracker of n clients holds per client: every client connected once and
// a third of them disconnected since.
func trackerHeapPerClient(tb testing.TB, n int, id func(c int) clientstate.ClientID) float64 {
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	before := heapAfterGC()
	tr := trackerForTest()
	for c := range n {
		id := id(c).String()
		at := t0.Add(time.Duration(c) * time.Millisecond)
		tr.apply(Event{Action: ActionConnect, ClientID: id, Time: at})
		if c%3 == 0 {
			tr.apply(Event{Action: ActionDisconnect, ClientID: id, Time: at.Add(time.Minute), CloseCode: 160, Reason: "timed out (keepalive)"})
		}
	}
	after := heapAfterGC()
	if tr.Len() != n {
		tb.Fatalf("%d clients tracked, want %d", tr.Len(), n)
	}
	runtime.KeepAlive(tr)
	runtime.KeepAlive(id) // what it holds is no part of the tracker's heap
	return (float64(after) - float64(before)) / float64(n)
}

// TestTrackerHeapPerClient holds a tracker of 1,000,000 clients whose
// device IDs are UUIDs to BenchmarkTrackerMemory's budget on every full
// test run. It takes seconds: -short skips it, and so does -race, ten
// times slower.
func TestTrackerHeapPerClient(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds a tracker of 1,000,000 clients; skipped with -short and -race")
	}
	const clients = 1_000_000
	perClient := trackerHeapPerClient(t, clients, benchUUIDID(clients))
	t.Logf("%.1f bytes of heap per client", perClient)
	if perClient > heapBudgetPerClient {
		t.Errorf("%.0f bytes of heap per tracked client, above the budget of %d", perClient, heapBudgetPerClient)
	}
}

// heapAfterGC is the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkTrackerApply measures the apply step alone (the events decoded
// beforehand), on a tracker of 100,000 clients.
func BenchmarkTrackerApply(b *testing.B) { benchTrackerApply(b, benchSeededID) }

// BenchmarkTrackerApplyUUID is BenchmarkTrackerApply with device IDs that
// are UUIDs.
func BenchmarkTrackerApplyUUID(b *testing.B) { benchTrackerApply(b, benchUUIDID(100_000)) }

func benchTrackerApply(b *testing.B, id func(c int) clientstate.ClientID) {
	const clients, distinct = 100_000, 1 << 14
	t0 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	tr := trackerForTest()
	decode := func(i int, at time.Time) Event {
		topic, payload := benchMessage(i, clients, at, id)
		ev, err := ParseStatusMessage(topic, payload)
		if err != nil {
			b.Fatal(err)
		}
		return ev
	}
	for c := range clients {
		tr.apply(decode(2*c, t0))
	}
	evs := make([]Event, distinct)
	for i := range evs {
		evs[i] = decode(i*7919, t0.Add(time.Duration(i+1)*time.Millisecond))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		tr.apply(evs[i%distinct])
		i++
	}
	reportRates(b, cpu0)
}
