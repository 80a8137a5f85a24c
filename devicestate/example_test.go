package devicestate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
	"github.com/iotclient/iotclient-go/notify"
)

// Which devices of a product are offline, and since when.
func Example() {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	defer srv.Close()
	srv.Seed(200, 1)
	client, err := srv.NewClient() // devicestate.NewClient(cfg) against IoTDA
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	q := devicestate.SearchQuery{Status: devicestate.StatusOffline, ProductID: "64b8f1c2a3e5d70012ab34cd"}
	n := 0
	for d, err := range client.Search(ctx, q) { // paced to one request a second
		if err != nil {
			panic(err)
		}
		full, err := client.Get(ctx, d.ID) // the list has no times; Get has
		if err != nil {
			panic(err)
		}
		if n++; n <= 2 {
			fmt.Println(full.ID, full.Status, "since", full.StatusChangedAt.Format(time.DateOnly))
		}
	}
	fmt.Println(n, "offline")
	// Output:
	// 64b8f1c2a3e5d70012ab34cd_A4C100100078 OFFLINE since 2024-05-11
	// 64b8f1c2a3e5d70012ab34cd_A4C100100060 OFFLINE since 2024-05-10
	// 13 offline
}

// A tracker over the device list and a stream of device.status
// notifications (here a hand-made one; notify.Handler's or the AMQP
// consumer's in a program).
func ExampleTracker() {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	srv := devicestatetest.NewServer(devicestatetest.WithNow(at))
	defer srv.Close()
	online := devicestate.Device{Status: devicestate.StatusOnline, CreatedAt: at.Add(-time.Hour)}
	meter1, meter2 := online, online
	meter1.ID, meter2.ID = "meter-1", "meter-2"
	if err := srv.Add(meter1, meter2); err != nil {
		panic(err)
	}
	client, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	var tracker *devicestate.Tracker
	stream := func(yield func(notify.Notification, error) bool) {
		<-tracker.Ready()
		for i, st := range []notify.DeviceState{notify.DeviceOffline, notify.DeviceOnline, notify.DeviceOffline} {
			t := at.Add(10*time.Minute + time.Duration(i-2)*10*time.Second) // pushed after the snapshot
			n := notify.Notification{Resource: notify.ResourceDeviceStatus, Time: t,
				Header: notify.Header{DeviceID: "meter-2"}, Device: &notify.DeviceStatus{Status: st, StatusUpdatedAt: t}}
			if !yield(n, nil) {
				return
			}
		}
	}
	tracker, err = devicestate.NewTracker(client, stream, devicestate.TrackerConfig{
		Now: func() time.Time { return at.Add(10 * time.Minute) }, // the tracker's clock: time.Now by default
	})
	if err != nil {
		panic(err)
	}
	_ = tracker.Run(context.Background()) // until the stream ends, here
	for _, d := range tracker.States() {
		since := "unknown (the list has no times)"
		if !d.Since.IsZero() {
			since = d.Since.Format(time.TimeOnly)
		}
		fmt.Println(d.DeviceID, d.Status, "since", since)
	}
	sum := tracker.Summary(10 * time.Minute)
	fmt.Println(sum.Disconnects, "disconnects in 10m:", sum.DisconnectsByStatus)
	// Output:
	// meter-1 ONLINE since unknown (the list has no times)
	// meter-2 OFFLINE since 12:10:00
	// 2 disconnects in 10m: map[OFFLINE:2]
}
