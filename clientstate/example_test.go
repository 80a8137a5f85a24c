package clientstate_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// exampleServer starts the public fake of the platform holding 300 seeded
// clients and the connection log of one device, placed before a fixed
// instant so the output is the same on every run, and returns a client for
// it. Against the real platform, build the client from your organization,
// API key and token (clientstate.ConfigFromEnv) instead.
func exampleServer() (*clientstatetest.Server, *clientstate.Client) {
	s := clientstatetest.NewServer(clientstatetest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	s.Seed(300, 42)
	err := s.Add(clientstate.State{
		ClientID:          "d:ab12cd:sensor:s-1",
		ClientType:        clientstate.ClientTypeDevice,
		Status:            clientstate.StatusConnected,
		LastConnected:     time.Date(2024, 6, 1, 10, 30, 0, 0, time.UTC),
		LastDisconnected:  time.Date(2024, 6, 1, 10, 28, 12, 500e6, time.UTC),
		LastActivity:      time.Date(2024, 6, 1, 11, 59, 30, 0, time.UTC),
		LastActivityEvent: "mqttPublish",
		Protocol:          "3.1.1",
	})
	if err != nil {
		log.Fatal(err)
	}
	s.SeedLogs("sensor", "s-1", 45, 42)
	c, err := s.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	return s, c
}

func ExampleClient_Get() {
	s, states := exampleServer()
	defer s.Close()

	st, err := states.Get(context.Background(), "d:ab12cd:sensor:s-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.ClientID, st.ClientType, st.Status)
	fmt.Println("connected at", st.LastConnected.Format(time.RFC3339))
	fmt.Println("last activity", st.LastActivityEvent, "at", st.LastActivity.Format(time.RFC3339))

	_, err = states.Get(context.Background(), "d:ab12cd:sensor:nobody")
	fmt.Println("not found:", errors.Is(err, iotclient.ErrNotFound))
	// Output:
	// d:ab12cd:sensor:s-1 device connected
	// connected at 2024-06-01T10:30:00Z
	// last activity mqttPublish at 2024-06-01T11:59:30Z
	// not found: true
}

func ExampleClient_List() {
	s, states := exampleServer()
	defer s.Close()

	// Every connected client, over as many pages as it takes.
	n := 0
	for st, err := range states.List(context.Background(), clientstate.ListQuery{Status: clientstate.StatusConnected}) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 3 {
			fmt.Println(st.ClientID)
		}
		n++
	}
	fmt.Println(n, "connected clients")
	// Output:
	// A:ab12cd:scalable-00013:inst-2
	// A:ab12cd:scalable-00105
	// A:ab12cd:scalable-00118:inst-0
	// 171 connected clients
}

func ExampleClient_ListPage() {
	s, states := exampleServer()
	defer s.Close()

	// Page by hand, keeping the bookmark as a checkpoint.
	q := clientstate.ListQuery{Status: clientstate.StatusDisconnected, PageSize: 50}
	for pages := 1; ; pages++ {
		page, err := states.ListPage(context.Background(), q)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("page %d: %d of %d disconnected clients\n", pages, len(page.Items), page.Total)
		if page.Next == "" {
			break
		}
		q.Bookmark = page.Next // resume after this page
	}
	// Output:
	// page 1: 50 of 130 disconnected clients
	// page 2: 50 of 130 disconnected clients
	// page 3: 30 of 130 disconnected clients
}

func ExampleClient_ConnectionLogs() {
	s, states := exampleServer()
	defer s.Close()

	n := 0
	for e, err := range states.ConnectionLogs(context.Background(), "sensor", "s-1", clientstate.LogQuery{}) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 2 {
			fmt.Println(e.Time.Format(time.RFC3339), e.Message)
		}
		n++
	}
	fmt.Println(n, "log entries")
	// Output:
	// 2024-06-01T06:50:18Z FailedConnect: not authorized (CloseCode=180) ClientID=d:ab12cd:sensor:s-1 ClientAddr=192.0.2.61
	// 2024-06-01T04:08:54Z Disconnect: closed by client (CloseCode=91) ClientID=d:ab12cd:sensor:s-1 ClientAddr=192.0.2.35
	// 45 log entries
}

func ExampleParseClientID() {
	id, err := clientstate.ParseClientID("g:ab12cd:edge-gw:gw-7")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id.Kind, id.Org, id.TypeID, id.DeviceID)
	fmt.Println(id)

	_, err = clientstate.ParseClientID("d:ab12cd:sensor/1")
	fmt.Println(errors.Is(err, iotclient.ErrInvalidArgument))
	// Output:
	// gateway ab12cd edge-gw gw-7
	// g:ab12cd:edge-gw:gw-7
	// true
}
