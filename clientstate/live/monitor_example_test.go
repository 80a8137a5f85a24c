package live_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
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

// exampleFleet starts the mock platform (REST and MQTT) with its clock
// frozen at noon, holding a connected sensor and a disconnected pump.
func exampleFleet() (*mockserver.Server, *mockbroker.Broker) {
	noon := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	s := mockserver.New(mockserver.WithClock(func() time.Time { return noon }))
	s.AddClients(
		mockserver.ClientState{ClientID: "d:ab12cd:sensor:s-1", ConnectionStatus: mockserver.Connected, LastConnect: noon.Add(-time.Hour)},
		mockserver.ClientState{ClientID: "d:ab12cd:pump:p-1", ConnectionStatus: mockserver.Disconnected,
			LastConnect: noon.Add(-3 * time.Hour), LastDisconnect: noon.Add(-2 * time.Hour), DisconnectReasonCode: 160},
	)
	broker, err := mockbroker.Start(s)
	if err != nil {
		log.Fatal(err)
	}
	return s, broker
}

func ExampleMonitor_Events() {
	s, broker := exampleFleet()
	defer s.Close()
	defer broker.Close()

	mon, err := live.NewMonitor(live.Config{
		// Against the real platform, leave Broker empty: the monitor
		// connects to ssl://{org}.messaging.internetofthings.ibmcloud.com:8883.
		Broker:        broker.Addr(),
		Auth:          auth.APIKey(mockserver.APIKey, mockserver.APIToken),
		Subscriptions: []live.Subscription{live.DeviceStatus("sensor", "+")},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The simulated sensor's next moves, one after each event seen.
	moves := []func() (mockbroker.Transition, error){
		func() (mockbroker.Transition, error) { return broker.Disconnect("d:ab12cd:sensor:s-1", 288) },
		func() (mockbroker.Transition, error) { return broker.Disconnect("d:ab12cd:sensor:s-1", 160) },
		func() (mockbroker.Transition, error) { return broker.Connect("d:ab12cd:sensor:s-1") },
	}
	for ev, err := range mon.Events(ctx) {
		if live.IsTransient(err) {
			log.Print(err) // a bad message or a reconnect: the stream goes on
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev)
		if ev.ClientIDReused() {
			fmt.Println("  (its client ID was reused: it is still online)")
		}
		if len(moves) == 0 {
			break // disconnects; the loop could also run until ctx ends
		}
		if _, err := moves[0](); err != nil {
			log.Fatal(err)
		}
		moves = moves[1:]
	}
	// Output:
	// 2024-06-01T11:00:00.000Z d:ab12cd:sensor:s-1 Connect [retained]
	// 2024-06-01T12:00:00.000Z d:ab12cd:sensor:s-1 Disconnect (288 client ID reused)
	//   (its client ID was reused: it is still online)
	// 2024-06-01T12:00:00.001Z d:ab12cd:sensor:s-1 Disconnect (160 timed out (keepalive))
	// 2024-06-01T12:00:00.002Z d:ab12cd:sensor:s-1 Connect
}

func ExampleTracker() {
	s, broker := exampleFleet()
	defer s.Close()
	defer broker.Close()
	key := auth.APIKey(mockserver.APIKey, mockserver.APIToken)

	rest, err := clientstate.NewClient(clientstate.Config{BaseURL: s.URL(), Auth: key})
	if err != nil {
		log.Fatal(err)
	}
	subscribed := make(chan struct{}, 1)
	mon, err := live.NewMonitor(live.Config{
		Broker: broker.Addr(),
		Auth:   key,
		OnConnect: func(live.ConnectInfo) {
			select { // never block the stream: OnConnect runs on its goroutine
			case subscribed <- struct{}{}:
			default:
			}
		},
	})
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
	if _, err := broker.Connect("d:ab12cd:pump:p-1"); err != nil {
		log.Fatal(err)
	}
	if _, err := broker.Disconnect("d:ab12cd:sensor:s-1", 91); err != nil {
		log.Fatal(err)
	}
	<-changes
	<-changes
	for _, st := range tracker.States() {
		fmt.Println(st.ClientID, st.Status, "since", st.Since.Format(time.TimeOnly), "last close code", st.LastCloseCode)
	}
	cancel()
	fmt.Println(<-done)
	// Output:
	// d:ab12cd:pump:p-1 connected since 12:00:00 last close code 160
	// d:ab12cd:sensor:s-1 disconnected since 12:00:00 last close code 91
	// context canceled
}
