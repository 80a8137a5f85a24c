package commands_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// exampleClient starts the public fake of IoTDA with 120 commands of
// device-1, placed before a fixed instant so the output is the same on
// every run; real code builds its client from the platform's endpoint and
// credentials (commands.ConfigFromEnv) instead.
func exampleClient() (*commands.Client, func()) {
	srv := commandstest.NewServer(commandstest.WithNow(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)))
	srv.Seed("device-1", 120, 7)
	c, err := srv.NewClient()
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

func ExampleClient_History() {
	c, done := exampleClient()
	defer done()

	// Every failed command of the device, newest first, across all pages.
	q := commands.HistoryQuery{Status: commands.StatusFailed}
	n := 0
	for cmd, err := range c.History(context.Background(), "device-1", q) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if n < 3 {
			fmt.Println(cmd.Name, cmd.Status, cmd.CreatedAt.Format("2006-01-02"))
		}
		n++
	}
	fmt.Println(n, "failed commands")
	// Output:
	// REBOOT FAILED 2024-05-30
	// ON_OFF FAILED 2024-05-26
	// FW_UPGRADE FAILED 2024-05-18
	// 13 failed commands
}

func ExampleClient_HistoryPage() {
	c, done := exampleClient()
	defer done()
	ctx := context.Background()

	// Read one page, keep its Marker as a checkpoint, resume from it later.
	q := commands.HistoryQuery{PageSize: 50}
	page, err := c.HistoryPage(ctx, "device-1", q)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(len(page.Items), "commands; resume after", page.Next == page.Items[49].ID)

	q.Marker = page.Next
	rest := 0
	for _, err := range c.History(ctx, "device-1", q) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		rest++
	}
	fmt.Println(rest, "older commands")
	// Output:
	// 50 commands; resume after true
	// 60 older commands
}

func ExampleNewClient_validation() {
	c, done := exampleClient()
	defer done()

	// Bad input is refused before any request is sent.
	_, err := c.HistoryPage(context.Background(), "device/1", commands.HistoryQuery{})
	var ve *iotclient.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)

	// Platform errors match sentinels.
	_, err = c.HistoryPage(context.Background(), "no-such-device", commands.HistoryQuery{})
	fmt.Println(errors.Is(err, iotclient.ErrNotFound))
	// Output:
	// true deviceID
	// true
}
