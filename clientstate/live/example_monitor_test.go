package live_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
)

func ExampleParseStatusMessage() {
	ev, err := live.ParseStatusMessage("iot-2/type/TemperatureSensor/id/ts-1/mon", []byte(`{
		"Action": "Disconnect", "Time": "2024-06-01T12:00:00.000Z", "ClientAddr": "198.51.100.7",
		"ClientID": "d:ab12cd:TemperatureSensor:ts-1", "Port": 8883, "Secure": true, "Protocol": "mqtt4",
		"User": "use-token-auth", "ConnectTime": "2024-06-01T11:00:00.000Z", "CloseCode": 160,
		"Reason": "The connection timed out.", "ReadBytes": 2048, "ReadMsg": 12, "WriteBytes": 96, "WriteMsg": 3}`))
	if err != nil {
		log.Fatal(err)
	}
	id, err := ev.ParseClientID()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Action, id.DeviceID, ev.CloseCode, live.CloseCodeText(ev.CloseCode))
	fmt.Println("connected for", ev.Time.Sub(ev.ConnectTime), "reused:", ev.ClientIDReused())
	// Output:
	// Disconnect ts-1 160 timed out (keepalive)
	// connected for 1h0m0s reused: false
}

// exampleFleet starts the public fake of the platform (REST and an MQTT
// broker) holding a connected sensor and a disconnected pump.
func exampleFleet() *livetest.Server {
	now := time.Now()
	rest := clientstatetest.NewServer()
	err := rest.Add(
		clientstate.State{ClientID: "d:ab12cd:sensor:s-1", Status: clientstate.StatusConnected, LastConnected: now.Add(-time.Hour)},
		clientstate.State{ClientID: "d:ab12cd:pump:p-1", Status: clientstate.StatusDisconnected,
			LastConnected: now.Add(-3 * time.Hour), LastDisconnected: now.Add(-2 * time.Hour),
			DisconnectReasonCode: 160, HasDisconnectReasonCode: true},
	)
	if err != nil {
		log.Fatal(err)
	}
	fake, err := livetest.NewServer(rest)
	if err != nil {
		log.Fatal(err)
	}
	return fake
}

func ExampleMonitor_Events() {
	fake := exampleFleet()
	defer fake.Close()

	// Against the real platform the Config comes from live.ConfigFromEnv
	// (or OrgID and Auth): the monitor connects to
	// ssl://{org}.messaging.internetofthings.ibmcloud.com:8883.
	cfg := fake.LiveConfig()
	cfg.Subscriptions = []live.Subscription{live.DeviceStatus("sensor", "+")}
	mon, err := live.NewMonitor(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The simulated sensor's next moves, one after each event seen.
	moves := []func() error{
		func() error { return fake.Disconnect("d:ab12cd:sensor:s-1", 288) },
		func() error { return fake.Disconnect("d:ab12cd:sensor:s-1", 160) },
		func() error { return fake.Connect("d:ab12cd:sensor:s-1") },
	}
	for ev, err := range mon.Events(ctx) {
		if live.IsTransient(err) {
			log.Print(err) // a bad message or a reconnect: the stream goes on
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		line := ev.ClientID + " " + string(ev.Action)
		if c := ev.Cause(); c != clientstate.CauseNone {
			line += " " + string(c) // why it ended, in one vocabulary for every close code
		}
		if ev.Retained {
			line += " [retained: the state when the subscription began]"
		}
		fmt.Println(line)
		if ev.ClientIDReused() {
			fmt.Println("  (its client ID was reused: it is still online)")
		}
		if len(moves) == 0 {
			break // disconnects; the loop could also run until ctx ends
		}
		if err := moves[0](); err != nil {
			log.Fatal(err)
		}
		moves = moves[1:]
	}
	// Output:
	// d:ab12cd:sensor:s-1 Connect [retained: the state when the subscription began]
	// d:ab12cd:sensor:s-1 Disconnect DUPLICATE_CLIENTID
	//   (its client ID was reused: it is still online)
	// d:ab12cd:sensor:s-1 Disconnect MQTT_KEEP_ALIVE_TIMEOUT
	// d:ab12cd:sensor:s-1 Connect
}

func ExampleTracker() {
	fake := exampleFleet()
	defer fake.Close()

	rest, err := fake.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	subscribed := make(chan struct{}, 1)
	cfg := fake.LiveConfig()
	cfg.OnConnect = func(live.ConnectInfo) {
		select { // never block the stream: OnConnect runs on its goroutine
		case subscribed <- struct{}{}:
		default:
		}
	}
	mon, err := live.NewMonitor(cfg)
	if err != nil {
		log.Fatal(err)
	}
	changes := make(chan live.Event, 16)
	tracker, err := live.NewTracker(rest, mon, live.TrackerConfig{
		OnEvent: func(ev live.Event, _ bool) {
			if !ev.Retained {
				changes <- ev
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- tracker.Run(ctx) }()
	<-tracker.Ready() // the REST snapshot is in
	<-subscribed      // and live changes flow

	// The pump comes back; the sensor drops.
	if err := fake.Connect("d:ab12cd:pump:p-1"); err != nil {
		log.Fatal(err)
	}
	if err := fake.Disconnect("d:ab12cd:sensor:s-1", 91); err != nil {
		log.Fatal(err)
	}
	<-changes
	<-changes
	for _, st := range tracker.States() {
		fmt.Println(st.ClientID, st.Status, "last cause:", st.LastCause)
	}
	cancel()
	fmt.Println(<-done)
	// Output:
	// d:ab12cd:pump:p-1 connected last cause: MQTT_KEEP_ALIVE_TIMEOUT
	// d:ab12cd:sensor:s-1 disconnected last cause: CLIENT_INITIATED_DISCONNECT
	// context canceled
}
