package commandstest_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Example shows what a user's test does with only this package and the
// SDK: start a fake, seed 100 commands, read them back.
func Example() {
	srv := commandstest.NewServer()
	defer srv.Close()
	// The history lists final commands and DELIVERED ones; PENDING and
	// SENT ones wait in the queue (client.Queue).
	seeded := slices.DeleteFunc(srv.Seed("pump-7", 100, 1), func(c commands.Command) bool {
		return c.Status == commands.StatusPending || c.Status == commands.StatusSent
	})

	client, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	n, same := 0, true
	for cmd, err := range client.History(context.Background(), "pump-7", commands.HistoryQuery{}) {
		if err != nil {
			panic(err)
		}
		same = same && cmd.ID == seeded[n].ID && cmd.Status == seeded[n].Status
		n++
	}
	fmt.Println(n, "commands read back; identical:", same)
	// Output: 87 commands read back; identical: true
}

// ExampleServer_NewClient shows the client NewClient returns retrying
// through injected faults. It reaches the fake in memory, with no socket,
// so a test may run it inside synctest.Test, where every wait passes in
// fake time: there, FailNext(1, commandstest.Fault{Status: 429,
// RetryAfter: 2 * time.Second}) costs microseconds of real time (package
// iotclienttest shows such a test). Outside a bubble, as here, waits are
// real, so this one keeps them short.
func ExampleServer_NewClient() {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("pump-7", 100, 1)
	client, err := srv.NewClient(iotclient.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		panic(err)
	}
	srv.FailNext(2, commandstest.Fault{Status: 503})
	page, err := client.HistoryPage(context.Background(), "pump-7", commands.HistoryQuery{})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), "commands after", srv.Requests(), "requests")
	// Output: 50 commands after 3 requests
}
