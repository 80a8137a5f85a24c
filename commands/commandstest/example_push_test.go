package commandstest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// ExampleWithPush has the fake push every status change of a command to a
// receiver, as an IoTDA forwarding rule does: the client delivers the
// command and learns its outcome without reading it back.
func ExampleWithPush() {
	statuses := make(chan string, 10)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc struct {
			Resource   string `json:"resource"`
			NotifyData struct {
				Body struct {
					Status string `json:"status"`
				} `json:"body"`
			} `json:"notify_data"`
		}
		if json.UnmarshalRead(r.Body, &doc) == nil {
			statuses <- doc.Resource + " " + doc.NotifyData.Body.Status
		}
		// Anything but a 200 within 15 s is a failed push, discarded.
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()

	srv := commandstest.NewServer(
		commandstest.WithLifecycle(commandstest.Lifecycle{DeliverAfter: time.Millisecond, RespondAfter: time.Millisecond}),
		// One worker keeps the documents in the order they were made.
		commandstest.WithPush(receiver.URL, commandstest.PushOptions{Workers: 1}),
	)
	defer srv.Close()
	srv.AddDevice("pump-7")
	client, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	cmd, err := client.Create(context.Background(), "pump-7", commands.NewCommand{
		ServiceID: "Switch", Name: "ON", Strategy: commands.SendImmediately,
	})
	if err != nil {
		panic(err)
	}
	for s := range statuses {
		fmt.Println(s)
		if s == "device.command.status SUCCESSFUL" {
			break
		}
	}
	fmt.Println("reads of the command:", srv.Gets("pump-7", cmd.ID))
	// Output:
	// device.command.status SENT
	// device.command.status DELIVERED
	// device.command.status SUCCESSFUL
	// reads of the command: 0
}
