package commands_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func ExampleClient_Export() {
	srv := commandstest.NewServer(commandstest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	defer srv.Close()
	srv.Seed("device-1", 5000, 1) // a long history (the queued commands are not in it)
	c, err := srv.NewClient()
	if err != nil {
		panic(err)
	}

	// The whole history, newest first, as History would yield it, with up
	// to 11 pages in flight at once.
	n, failed := 0, 0
	for cmd, err := range c.Export(context.Background(), "device-1", commands.HistoryQuery{}, commands.ExportOptions{}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		n++
		if cmd.Status == commands.StatusFailed {
			failed++
		}
	}
	fmt.Println(n, "commands,", failed, "failed")
	// Output: 4753 commands, 709 failed
}
