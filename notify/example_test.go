package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/notify"
)

// Wait learns a command's outcome from IoTDA's push instead of polling.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The commands fake stands in for IoTDA.
	fake := commandstest.NewServer()
	defer fake.Close()
	fake.AddDevice("dev-1")
	client, err := fake.NewClient()
	if err != nil {
		panic(err)
	}
	cmd, err := client.Create(ctx, "dev-1", commands.NewCommand{ServiceID: "Switch", Name: "ON_OFF"})
	if err != nil {
		panic(err)
	}

	// The handler goes at the URL of the forwarding rule's HTTP action, on
	// a server of your own (http.Handle("/iotda/push", h)).
	h, err := notify.NewHandler(notify.HandlerConfig{})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	// One watcher serves every Wait of the program.
	w, err := commands.NewWatcher(commands.WatcherOptions{})
	if err != nil {
		panic(err)
	}
	go w.Run(notify.CommandUpdates(notify.Deduplicate(h.Notifications(ctx))))

	// What the platform pushes when the device has answered.
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"resource":"device.command.status",
		"event":"update","event_time":"20240601T120002Z","notify_data":{"header":{"device_id":"dev-1"},
		"body":{"command_id":"`+cmd.ID+`","status":"SUCCESSFUL","response_time":"20240601T120002Z","result":{"result_code":0}}}}`))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	done, err := client.Wait(ctx, "dev-1", cmd.ID, commands.WaitOptions{Watcher: w})
	if err != nil {
		panic(err)
	}
	fmt.Println(done.Status, string(done.Result))
	// Output: SUCCESSFUL {"result_code":0}
}
