// Command commandhistory shows the command-history calls of package
// commands: filters, page-at-a-time reading with a checkpoint, resuming from
// that checkpoint, and the errors a caller can branch on.
//
//	go run ./examples/commandhistory
//
// It runs against the SDK's test fake (package commandstest), seeded with
// 400 commands over the 30 days before it starts, unless IOTCLIENT_IOTDA_ENDPOINT,
// IOTCLIENT_IOTDA_PROJECT_ID, IOTCLIENT_IOTDA_DEVICE_ID and either
// IOTCLIENT_IOTDA_AK + IOTCLIENT_IOTDA_SK or IOTCLIENT_IOTDA_TOKEN are set.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func run() error {
	client, device, done, err := connect()
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// 1. Filters: the failed commands of the last week.
	week := commands.HistoryQuery{Status: commands.StatusFailed, Since: time.Now().Add(-7 * 24 * time.Hour)}
	failed := 0
	for cmd, err := range client.History(ctx, device, week) {
		if err != nil {
			return err
		}
		if failed < 3 {
			fmt.Printf("failed: %s %s/%s at %s\n", cmd.ID, cmd.ServiceID, cmd.Name, cmd.CreatedAt.Format(time.RFC3339))
		}
		failed++
	}
	fmt.Printf("%d commands failed in the last week\n\n", failed)

	// 2. Page at a time, keeping a checkpoint (the Marker) after each page,
	// as an export job would to survive a restart.
	q := commands.HistoryQuery{PageSize: 25}
	var checkpoint string
	for range 2 {
		page, err := client.HistoryPage(ctx, device, q)
		if err != nil {
			return err
		}
		fmt.Printf("page of %d, newest %s, oldest %s (request %s)\n",
			len(page.Items), page.Items[0].ID, page.Items[len(page.Items)-1].ID, page.RequestID)
		checkpoint = page.Next
		q.Marker = page.Next
	}

	// 3. Resume from the checkpoint: the iterator continues exactly after
	// the last record read, to the end of the history.
	rest := 0
	for _, err := range client.History(ctx, device, commands.HistoryQuery{Marker: checkpoint}) {
		if err != nil {
			return err
		}
		rest++
	}
	fmt.Printf("resumed after %s: %d older commands\n\n", checkpoint, rest)

	// 4. Errors: bad input is refused before any request; platform errors
	// match sentinels.
	_, err = client.HistoryPage(ctx, device, commands.HistoryQuery{PageSize: 500})
	var ve *iotclient.ValidationError
	if errors.As(err, &ve) {
		fmt.Printf("refused locally: field %s: %s\n", ve.Field, ve.Reason)
	}
	_, err = client.HistoryPage(ctx, "no-such-device", commands.HistoryQuery{})
	if errors.Is(err, iotclient.ErrNotFound) {
		var ae *iotclient.APIError
		errors.As(err, &ae)
		fmt.Printf("platform said %d %s: %s\n", ae.StatusCode, ae.Code, ae.Message)
	}
	return nil
}

// connect builds a client for the real platform when configured, else for
// a seeded test fake.
func connect() (c *commands.Client, device string, done func(), err error) {
	cfg := commands.Config{
		Endpoint:   os.Getenv("IOTCLIENT_IOTDA_ENDPOINT"),
		ProjectID:  os.Getenv("IOTCLIENT_IOTDA_PROJECT_ID"),
		InstanceID: os.Getenv("IOTCLIENT_IOTDA_INSTANCE_ID"),
	}
	device, done = os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID"), func() {}
	switch {
	case cfg.Endpoint == "":
		m := commandstest.NewServer()
		device = "meter-17"
		m.Seed(device, 400, 1) // over the 30 days before now
		cfg, done = m.Config(), m.Close
	case os.Getenv("IOTCLIENT_IOTDA_TOKEN") != "":
		cfg.Auth = auth.Token(os.Getenv("IOTCLIENT_IOTDA_TOKEN"))
	default:
		cfg.Auth = auth.AKSK(os.Getenv("IOTCLIENT_IOTDA_AK"), os.Getenv("IOTCLIENT_IOTDA_SK"))
	}
	c, err = commands.NewClient(cfg)
	return c, device, done, err
}

func main() {
	// -h prints the flags and exits 0; an unknown flag or an argument exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected argument %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
