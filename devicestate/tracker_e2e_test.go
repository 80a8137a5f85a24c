package devicestate_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
	"github.com/iotclient/iotclient-go/notify"
)

// clock is a tracker clock the test sets.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time   { return time.Unix(0, c.ns.Load()).UTC() }

// statusDoc is a device.status document as IoTDA forwards it.
func statusDoc(deviceID, productID string, st devicestate.Status, at time.Time) []byte {
	return fmt.Appendf(nil, `{"resource":"device.status","event":"update","event_time":%q,"event_time_ms":%q,
		"request_id":"%08x-0000-4000-8000-000000000000","notify_data":{"header":{"device_id":%q,"product_id":%q,
		"gateway_id":%q,"node_id":"n"},"body":{"status":%q,"last_online_time":%q,"status_update_time":%q}}}`,
		at.Format("20060102T150405Z"), at.Format("2006-01-02T15:04:05.000Z"), at.UnixMilli()&0xffffffff,
		deviceID, productID, deviceID, st, at.Format("20060102T150405Z"), at.Format("2006-01-02T15:04:05.000Z"))
}

func decoded(t testing.TB, doc []byte) notify.Notification {
	n, err := notify.Decode(doc)
	require.NoError(t, err)
	return n
}

// feed is a stream the test pushes into.
type feed struct{ ch chan feedItem }

type feedItem struct {
	n   notify.Notification
	err error
}

func newFeed() *feed { return &feed{ch: make(chan feedItem, 64)} }

func (f *feed) seq(yield func(notify.Notification, error) bool) {
	for it := range f.ch {
		if !yield(it.n, it.err) {
			return
		}
	}
}

func (f *feed) push(n notify.Notification) { f.ch <- feedItem{n: n} }
func (f *feed) fail(err error)             { f.ch <- feedItem{err: err} }

// running runs tr until the test ends; the function returned waits for
// Run's error.
func running(t *testing.T, tr *devicestate.Tracker) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- tr.Run(ctx) }()
	wait := sync.OnceValue(func() error { return <-errc })
	t.Cleanup(func() {
		cancel()
		wait()
	})
	return wait
}

// statusSequence is n device.status notifications for devs, in time
// order: 250 ms apart from start, statuses drawn as devices report them.
func statusSequence(t testing.TB, devs []devicestate.Device, n int, start time.Time) []notify.Notification {
	r := rand.New(rand.NewPCG(22, 1))
	out := make([]notify.Notification, n)
	for i := range out {
		d := devs[r.IntN(len(devs))]
		st := []devicestate.Status{devicestate.StatusOnline, devicestate.StatusOffline, devicestate.StatusAbnormal}[min(r.IntN(20)/9, 2)]
		out[i] = decoded(t, statusDoc(d.ID, d.ProductID, st, start.Add(time.Duration(i)*250*time.Millisecond)))
	}
	return out
}

// perturbed is seq with 5% of it repeated later and 10% of it moved later.
func perturbed(seq []notify.Notification) []notify.Notification {
	r := rand.New(rand.NewPCG(23, 2))
	out := slices.Clone(seq)
	for range len(seq) / 10 { // late: moved up to 3000 places on
		i := r.IntN(len(out))
		n := out[i]
		out = slices.Delete(out, i, i+1)
		j := min(len(out), i+1+r.IntN(3000))
		out = slices.Insert(out, j, n)
	}
	for range len(seq) / 20 { // duplicates, delivered again later
		i := r.IntN(len(out))
		out = slices.Insert(out, min(len(out), i+1+r.IntN(2000)), out[i])
	}
	return out
}

// trackerView is everything the tracker answers, to compare two runs.
type trackerView struct {
	States       []devicestate.TrackedDevice
	Summaries    []devicestate.Summary
	Flapping     [][]devicestate.FlappingDevice
	Connected    int
	Disconnected int
}

// feedTracker runs a tracker over the fake's snapshot (read at t0) and
// then seq (while its clock reads end), and returns its view at end.
func feedTracker(t *testing.T, srv *devicestatetest.Server, seq []notify.Notification, end time.Time) (trackerView, int) {
	c, err := srv.NewClient()
	require.NoError(t, err)
	clk := newClock(t0)
	var tr *devicestate.Tracker
	applied := 0
	stream := func(yield func(notify.Notification, error) bool) {
		<-tr.Ready()
		clk.set(end)
		for _, n := range seq {
			if !yield(n, nil) {
				return
			}
		}
	}
	tr, err = devicestate.NewTracker(c, stream, devicestate.TrackerConfig{
		Now: clk.now, ReconcileInterval: -1,
		OnNotification: func(_ notify.Notification, ok bool) {
			if ok {
				applied++
			}
		},
	})
	require.NoError(t, err)
	require.ErrorIs(t, tr.Run(context.Background()), devicestate.ErrStreamEnded)
	v := trackerView{States: tr.States(), Connected: len(tr.Connected()), Disconnected: len(tr.Disconnected())}
	for _, w := range []time.Duration{time.Minute, 10 * time.Minute, time.Hour} {
		v.Summaries = append(v.Summaries, tr.Summary(w))
		v.Flapping = append(v.Flapping, tr.Flapping(w, 1), tr.Flapping(w, 3))
	}
	return v, applied
}

func TestTrackerEndsTheSameWhateverTheOrderAndRepeats(t *testing.T) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	defer srv.Close()
	devs := srv.Seed(500, 3)
	seq := statusSequence(t, devs, 10_000, t0.Add(time.Second))
	end := t0.Add(45 * time.Minute)

	inOrder, appliedInOrder := feedTracker(t, srv, seq, end)
	shuffled := perturbed(seq)
	require.Len(t, shuffled, 10_500)
	require.NotEqual(t, seq, shuffled[:10_000])
	again, appliedShuffled := feedTracker(t, srv, shuffled, end)
	assert.Equal(t, inOrder, again, "the same states, summaries and flapping devices")
	assert.Equal(t, 10_000, appliedInOrder, "in order, every notification is news")
	assert.Less(t, appliedShuffled, 10_000, "late and repeated ones are not")

	// And the states are the newest notification's of each device.
	newest := map[string]notify.Notification{}
	for _, n := range seq {
		newest[n.Header.DeviceID] = n
	}
	require.Len(t, inOrder.States, 500)
	for _, st := range inOrder.States {
		if n, ok := newest[st.DeviceID]; ok {
			require.Equal(t, devicestate.Status(n.Device.Status), st.Status, st.DeviceID)
			require.Equal(t, n.Device.StatusUpdatedAt, st.Updated)
			require.True(t, st.Live)
			require.False(t, st.Since.IsZero())
		}
	}
	sum := inOrder.Summaries[2]
	assert.Equal(t, 500, sum.Devices)
	assert.Greater(t, sum.Disconnects, 1000)
	assert.Positive(t, sum.DisconnectsByStatus[devicestate.StatusAbnormal])
	assert.NotEmpty(t, inOrder.Flapping[3], "devices with three disconnects in the hour")
}

// truth compares the tracker with the fake's devices.
func requireTruth(t *testing.T, srv *devicestatetest.Server, tr *devicestate.Tracker) {
	t.Helper()
	for _, d := range srv.Devices() {
		st, ok := tr.State(d.ID)
		require.True(t, ok, d.ID)
		require.Equal(t, d.Status, st.Status, d.ID)
	}
	require.Equal(t, len(srv.Devices()), tr.Len())
}

func TestTrackerReconcilesAfterAGap(t *testing.T) {
	for _, mode := range []struct {
		name   string
		recent int
	}{{"list", 0}, {"recent devices", 40}} {
		t.Run(mode.name, func(t *testing.T) {
			srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
			defer srv.Close()
			devs := srv.Seed(300, 4)
			c, err := srv.NewClient()
			require.NoError(t, err)
			clk := newClock(t0)
			f := newFeed()
			reconciled := make(chan int, 4)
			gaps := make(chan error, 8)
			tr, err := devicestate.NewTracker(c, f.seq, devicestate.TrackerConfig{
				Now: clk.now, ReconcileDevices: mode.recent, ReconcileInterval: -1,
				OnReconciled: func(n int) { reconciled <- n },
				OnError:      func(err error) { gaps <- err },
			})
			require.NoError(t, err)
			running(t, tr)
			require.Equal(t, 300, <-reconciled, "the snapshot")
			requireTruth(t, srv, tr)

			// 40 devices change twice: the first change is pushed, the
			// second lost for half of them (the platform's push failed).
			clk.set(t0.Add(20 * time.Minute))
			processed := 0
			for i, d := range devs[:40] {
				for step, st := range []devicestate.Status{devicestate.StatusOffline, devicestate.StatusOnline} {
					at := t0.Add(time.Duration(i*2+step+1) * time.Second)
					if d.Status == st || step == 1 && d.Status == devicestate.StatusOnline {
						st = devicestate.StatusAbnormal
					}
					_, err := srv.SetStatus(d.ID, st, at)
					require.NoError(t, err)
					if step == 0 || i%2 == 0 {
						f.push(decoded(t, statusDoc(d.ID, d.ProductID, st, at)))
						processed++
					}
				}
			}
			// Wait for the pushes through a stream error the tracker
			// reports once it has applied everything before it.
			f.fail(&notify.DocumentError{Err: errors.New("marker")})
			var de *notify.DocumentError
			require.ErrorAs(t, <-gaps, &de)
			wrong := 0
			for _, d := range srv.Devices() {
				if st, _ := tr.State(d.ID); st.Status != d.Status {
					wrong++
				}
			}
			assert.Equal(t, 20, wrong, "the lost changes show")

			clk.set(t0.Add(30 * time.Minute))
			f.fail(&notify.LossError{Count: 20, Reason: "answered 503"})
			n := <-reconciled
			if mode.recent > 0 {
				assert.Equal(t, mode.recent, n, "Get of the devices that changed most recently")
			} else {
				assert.Equal(t, 300, n)
			}
			requireTruth(t, srv, tr)
			assert.ErrorIs(t, <-gaps, notify.ErrLost)
			// Get also dates what it read.
			if mode.recent > 0 {
				st, _ := tr.State(devs[1].ID)
				truth, _ := srv.Device(devs[1].ID)
				assert.Equal(t, truth.StatusChangedAt, st.Since)
			}
		})
	}
}

func TestTrackerRunEnds(t *testing.T) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	defer srv.Close()
	srv.Seed(20, 5)
	c, err := srv.NewClient()
	require.NoError(t, err)

	_, err = devicestate.NewTracker(nil, newFeed().seq, devicestate.TrackerConfig{})
	requireInvalid(t, err, "client")
	_, err = devicestate.NewTracker(c, nil, devicestate.TrackerConfig{})
	requireInvalid(t, err, "stream")
	_, err = devicestate.NewTracker(c, newFeed().seq, devicestate.TrackerConfig{ReconcileDevices: -1})
	requireInvalid(t, err, "TrackerConfig.ReconcileDevices")
	_, err = devicestate.NewTracker(c, newFeed().seq, devicestate.TrackerConfig{Query: devicestate.ListQuery{PageSize: 99}})
	requireInvalid(t, err, "ListQuery.PageSize")

	// A fatal stream error ends Run with it; a second Run is refused.
	f := newFeed()
	tr, err := devicestate.NewTracker(c, f.seq, devicestate.TrackerConfig{})
	require.NoError(t, err)
	wait := running(t, tr)
	<-tr.Ready()
	boom := errors.New("consumer closed")
	f.fail(boom)
	require.ErrorIs(t, wait(), boom)
	require.ErrorIs(t, tr.Run(context.Background()), devicestate.ErrTrackerStarted)
	assert.Equal(t, 20, tr.Len(), "the states stay queryable")

	// The context ends Run.
	tr, err = devicestate.NewTracker(c, newFeed().seq, devicestate.TrackerConfig{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-tr.Ready()
		cancel()
	}()
	require.ErrorIs(t, tr.Run(ctx), context.Canceled)

	// A snapshot that fails ends Run with its error.
	srv.FailNext(1, devicestatetest.Fault{Status: 403})
	tr, err = devicestate.NewTracker(c, newFeed().seq, devicestate.TrackerConfig{})
	require.NoError(t, err)
	require.Error(t, tr.Run(context.Background()))
}

func TestTrackerIgnoresOtherResourcesAndDevices(t *testing.T) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	defer srv.Close()
	devs := srv.Seed(30, 6)
	c, err := srv.NewClient()
	require.NoError(t, err)
	clk := newClock(t0)
	f := newFeed()
	var seen []string
	var mu sync.Mutex
	tr, err := devicestate.NewTracker(c, f.seq, devicestate.TrackerConfig{
		Query: devicestate.ListQuery{ProductID: devs[0].ProductID}, Now: clk.now,
		OnNotification: func(n notify.Notification, _ bool) {
			mu.Lock()
			seen = append(seen, n.Header.DeviceID)
			mu.Unlock()
		},
	})
	require.NoError(t, err)
	running(t, tr)
	<-tr.Ready()
	clk.set(t0.Add(time.Hour))
	f.push(decoded(t, statusDoc("other_1", "another-product", devicestate.StatusOnline, t0.Add(time.Minute))))
	f.push(decoded(t, []byte(`{"resource":"device.command.status","event":"update","event_time":"20240601T120000Z",
		"notify_data":{"header":{"device_id":"x"},"body":{"command_id":"c1","status":"SUCCESSFUL"}}}`)))
	f.push(decoded(t, statusDoc(devs[0].ID, devs[0].ProductID, devicestate.StatusFrozen, t0.Add(time.Minute))))
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 1 }, 5*time.Second, time.Millisecond)
	assert.Equal(t, []string{devs[0].ID}, seen)
	_, ok := tr.State("other_1")
	assert.False(t, ok)
	st, _ := tr.State(devs[0].ID)
	assert.Equal(t, devicestate.StatusFrozen, st.Status)
}

var _ iter.Seq2[notify.Notification, error] = newFeed().seq
