package notifyamqp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/notify"
)

// TestWaitResolvesFromAMQP: 1,000 commands pending on the fake IoTDA are
// waited for with a watcher fed by the AMQP consumer; their final statuses
// come only as notifications over the real broker, and every wait ends
// with its command's status without a single request to the platform.
func TestWaitResolvesFromAMQP(t *testing.T) {
	b := needBroker(t)
	b.empty(t)
	const n = 1000
	srv := commandstest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]commands.CommandRef, n)
	bodies := make([][]byte, n)
	want := make(map[string]commands.Status, n)
	for i := range refs {
		dev, id := fmt.Sprintf("dev-%d", i%20), fmt.Sprintf("%024x", i+1)
		if err := srv.Add(dev, commands.Command{ID: id, Name: "reboot", Status: commands.StatusSent}); err != nil {
			t.Fatal(err)
		}
		status := commands.StatusSuccessful
		if i%7 == 0 {
			status = commands.StatusFailed
		}
		refs[i] = commands.CommandRef{DeviceID: dev, CommandID: id}
		want[id] = status
		bodies[i] = fmt.Appendf(nil, `{"resource":"device.command.status","event":"update","event_time":"20251206T101010Z",`+
			`"request_id":"r-%d","notify_data":{"header":{"device_id":%q},"body":{"command_id":%q,"status":%q,`+
			`"created_time":"20251206T100000Z","response_time":"20251206T101010Z","result":{"code":%d}}}}`, i, dev, id, status, i)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	w, err := commands.NewWatcher(commands.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	consumer := newConsumer(t, b.config())
	streamErr := make(chan error, 1)
	go func() { streamErr <- w.Run(notify.CommandUpdates(consumer.Notifications(ctx))) }()
	before := srv.Requests()
	pub := b.publisher(t)
	published := make(chan error, 1)
	go func() { published <- pub.publish(bodies) }() // while the waits run

	got := 0
	for cmd, err := range client.WaitAll(ctx, refs, commands.WaitOptions{Watcher: w, PollMax: 10 * time.Minute}) {
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		if cmd.Status != want[cmd.ID] {
			t.Fatalf("command %s ended %s, want %s", cmd.ID, cmd.Status, want[cmd.ID])
		}
		got++
	}
	if err := <-published; err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("%d of %d waits ended", got, n)
	}
	if r := srv.Requests() - before; r != 0 {
		t.Fatalf("%d requests to the platform; every outcome came over AMQP", r)
	}
	cancel()
	if err := <-streamErr; err != nil {
		t.Fatalf("the stream ended with %v", err)
	}
}
