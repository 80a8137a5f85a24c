// Command commandhistory shows the command-history calls of package
// commands: filters, page-at-a-time reading with a checkpoint, resuming from
// that checkpoint, and the errors a caller can branch on.
//
//	go run ./examples/commandhistory
//
// The IoTDA project comes from the SDK's commands.ConfigFromEnv, the
// device from IOTCLIENT_IOTDA_DEVICE_ID: when none of the IOTCLIENT_IOTDA_*
// variables is set, it runs against the SDK's test fake (package
// commandstest), seeded with 400 commands over the 30 days before it
// starts. go run ./examples/commandhistory -h says which variables it reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

const usage = `Usage: commandhistory

Shows a device's failed commands of the last week, reads its history a page
at a time keeping a checkpoint, resumes from it, and shows the errors a
caller can branch on.

Environment:
  IOTCLIENT_IOTDA_*            the IoTDA project and its credential, read by
                               commands.ConfigFromEnv (go doc lists them); with none set, the fake serves
  IOTCLIENT_IOTDA_DEVICE_ID    the device whose history is shown (required with a project)
`

// shown is how many failed commands are listed.
const shown = 3

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
	var first []commands.Command
	failed := 0
	for cmd, err := range client.History(ctx, device, week) {
		if err != nil {
			return err
		}
		if failed < shown {
			first = append(first, cmd)
		}
		failed++
	}
	switch failed {
	case 0:
		fmt.Println("no command failed in the last week")
	default:
		fmt.Printf("%d of the %d commands that failed in the last week, newest first:\n", len(first), failed)
	}
	for _, cmd := range first {
		fmt.Printf("  %s %s/%s at %s\n", cmd.ID, cmd.ServiceID, cmd.Name, cmd.CreatedAt.Format(time.RFC3339))
	}
	fmt.Println()

	// 2. Page at a time, keeping a checkpoint (the Marker) after each page,
	// as an export job would to survive a restart. The last page has no
	// Marker; a page may be empty.
	q := commands.HistoryQuery{PageSize: 25}
	var checkpoint string
	for range 2 {
		page, err := client.HistoryPage(ctx, device, q)
		if err != nil {
			return err
		}
		if len(page.Items) == 0 {
			fmt.Printf("an empty page (request %s)\n", page.RequestID)
		} else {
			fmt.Printf("page of %d, newest %s, oldest %s (request %s)\n",
				len(page.Items), page.Items[0].ID, page.Items[len(page.Items)-1].ID, page.RequestID)
		}
		if page.Next == "" {
			break // the end of the history
		}
		checkpoint = page.Next
		q.Marker = page.Next
	}
	if checkpoint == "" {
		fmt.Print("the history fits in one page: nothing to resume\n\n")
	} else if err := resume(ctx, client, device, checkpoint); err != nil {
		return err
	}

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

// resume continues after checkpoint, to the end of the history: the
// iterator starts exactly after the last record read.
func resume(ctx context.Context, client *commands.Client, device, checkpoint string) error {
	rest := 0
	for _, err := range client.History(ctx, device, commands.HistoryQuery{Marker: checkpoint}) {
		if err != nil {
			return err
		}
		rest++
	}
	fmt.Printf("resumed after %s: %d older commands\n\n", checkpoint, rest)
	return nil
}

// connect builds a client for the platform ConfigFromEnv describes, or
// when none of its variables is set for a seeded test fake, and says which.
func connect() (c *commands.Client, device string, done func(), err error) {
	cfg, err := commands.ConfigFromEnv()
	device, done = os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID"), func() {}
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
		m := commandstest.NewServer()
		device = "meter-17"
		m.Seed(device, 400, 1) // over the 30 days before now
		cfg, done = m.Config(), m.Close
		fmt.Print("Huawei IoTDA: the embedded fake (no IOTCLIENT_IOTDA_* variable is set)\n\n")
	case err != nil:
		return nil, "", done, err // names the variable to fix
	case device == "":
		return nil, "", done, errors.New("IOTCLIENT_IOTDA_DEVICE_ID: set the device whose history is shown")
	default:
		fmt.Printf("Huawei IoTDA: %s\n\n", cfg.Endpoint)
	}
	c, err = commands.NewClient(cfg)
	return c, device, done, err
}

func main() {
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0; an unknown flag or an argument exits 2.
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
