package commandstest_test

import (
	"context"
	"fmt"
	"slices"

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
