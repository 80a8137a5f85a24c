package devicestate_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
	"github.com/iotclient/iotclient-go/notify"
)

// The tracker over HTTP pushes end to end: the fake's status changes are
// pushed as device.status documents to notify's Handler, whose stream
// feeds the tracker, which ends in the fake's states.
func TestTrackerOverHTTPPushes(t *testing.T) {
	h, err := notify.NewHandler(notify.HandlerConfig{})
	require.NoError(t, err)
	receiver := httptest.NewServer(h)
	defer receiver.Close()
	defer h.Close()
	srv := devicestatetest.NewServer(devicestatetest.WithPushURL(receiver.URL))
	defer srv.Close()
	devs := srv.Seed(60, 9)
	c, err := srv.NewClient()
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	processed := make(chan string, 100)
	tr, err := devicestate.NewTracker(c, h.Notifications(ctx), devicestate.TrackerConfig{
		// Late ones are processed but not applied: the pushes may overtake
		// one another.
		OnNotification: func(n notify.Notification, _ bool) { processed <- n.Header.DeviceID },
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	<-tr.Ready()

	// Changes after the snapshot was read (less the clock skew), in the
	// last seconds: each device drops once, half of them twice.
	start := time.Now().Add(-2 * time.Second)
	for i, d := range devs[:10] {
		at := start.Add(time.Duration(i) * 10 * time.Millisecond)
		_, err := srv.SetStatus(d.ID, devicestate.StatusOffline, at)
		require.NoError(t, err)
		_, err = srv.SetStatus(d.ID, devicestate.StatusOnline, at.Add(5*time.Millisecond))
		require.NoError(t, err)
		if i%2 == 0 {
			_, err = srv.SetStatus(d.ID, devicestate.StatusOffline, at.Add(7*time.Millisecond))
			require.NoError(t, err)
		}
	}
	require.NoError(t, srv.WaitPushes(ctx))
	for range 25 {
		select {
		case <-processed:
		case <-time.After(10 * time.Second):
			t.Fatal("the pushes did not all reach the tracker")
		}
	}
	for _, d := range srv.Devices() {
		st, ok := tr.State(d.ID)
		require.True(t, ok)
		assert.Equal(t, d.Status, st.Status, d.ID)
	}
	sum := tr.Summary(time.Hour)
	assert.Equal(t, 15, sum.Disconnects, "ten drops, and five devices dropped again")
	assert.Equal(t, 10, sum.DisconnectedDevices)
	cancel()
	// The handler's stream ends with the context: Run returns the
	// context's error all the same.
	require.ErrorIs(t, <-done, context.Canceled)
}
