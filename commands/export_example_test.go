package commands_test

import (
	"context"
	"fmt"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func ExampleClient_Export() {
	s := mockserver.New()
	defer s.Close()
	s.GenerateCommands("device-1", 5000) // a long history
	c, err := commands.NewClient(commands.Config{
		Endpoint:  s.URL(),
		ProjectID: mockserver.ProjectID,
		Auth:      auth.AKSK(mockserver.AccessKey, mockserver.SecretKey),
	})
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
	// Output: 5000 commands, 625 failed
}
