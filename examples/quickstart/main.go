// Command quickstart answers the SDK's two questions against the SDK's test
// fakes (packages commandstest and clientstatetest), or the real platforms
// when their environment variables are set:
//
//   - what happened to the commands sent to a device (Huawei IoTDA), and
//   - which devices are connected, and why the others dropped (IBM Watson IoT).
//
// Run it with:
//
//	go run ./examples/quickstart
//
// Each platform is configured by the SDK's ConfigFromEnv (commands and
// clientstate): when none of a platform's variables is set, that
// platform's fake serves; go run ./examples/quickstart -h says which
// variables it reads. The program says on its first line for each platform
// which one it talks to.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"text/tabwriter"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

const usage = `Usage: quickstart

Shows a device's recent commands (Huawei IoTDA), then how many clients are
connected and the most recent disconnects with their causes (IBM Watson IoT).

Environment: each platform's variables, as the SDK's ConfigFromEnv reads them
(go doc github.com/iotclient/iotclient-go/commands.ConfigFromEnv, and
clientstate.ConfigFromEnv); when none of a platform's is set, its fake serves.
  IOTCLIENT_IOTDA_*            Huawei IoTDA: the project and its credential, and
  IOTCLIENT_IOTDA_DEVICE_ID    the device whose commands are shown (required with a project)
  IOTCLIENT_IBM_*              IBM Watson IoT: the API key, its token, the organization
`

// commandHistory prints a device's 15 most recent commands.
func commandHistory(ctx context.Context) error {
	cfg, err := commands.ConfigFromEnv()
	device := os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID")
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
		m := commandstest.NewServer()
		defer m.Close()
		device = "thermostat-0042"
		m.Seed(device, 120, 7)
		cfg = m.Config()
		fmt.Println("Huawei IoTDA: the embedded fake (no IOTCLIENT_IOTDA_* variable is set)")
	case err != nil:
		return err // names the variable to fix
	case device == "":
		return errors.New("IOTCLIENT_IOTDA_DEVICE_ID: set the device whose commands are shown")
	default:
		fmt.Println("Huawei IoTDA:", cfg.Endpoint)
	}
	client, err := commands.NewClient(cfg)
	if err != nil {
		return err
	}

	fmt.Printf("Recent commands of device %s:\n", device)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND ID\tSERVICE\tNAME\tSTATUS\tCREATED (UTC)\tANSWERED (UTC)")
	n := 0
	for cmd, err := range client.History(ctx, device, commands.HistoryQuery{PageSize: 10}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cmd.ID, cut(cmd.ServiceID, 16), cut(cmd.Name, 16), cmd.Status,
			cmd.CreatedAt.Format(time.DateTime), clock(cmd.RespondedAt))
		if n++; n == 15 {
			break // the iterator stops fetching here: two pages were requested
		}
	}
	return tw.Flush()
}

// connectionStates prints how many clients are connected and the most
// recent disconnects with their causes.
func connectionStates(ctx context.Context) error {
	cfg, err := clientstate.ConfigFromEnv()
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
		m := clientstatetest.NewServer()
		defer m.Close()
		m.Seed(250, 7)
		cfg = m.Config()
		fmt.Println("IBM Watson IoT: the embedded fake (no IOTCLIENT_IBM_* variable is set)")
	case err != nil:
		return err
	default:
		domain := cfg.Domain
		if domain == "" {
			domain = clientstate.DefaultDomain
		}
		fmt.Printf("IBM Watson IoT: organization %s at %s\n", cfg.OrgID, domain)
	}
	client, err := clientstate.NewClient(cfg, iotclient.WithRateLimit(10, 10)) // IBM allows 10 calls a second
	if err != nil {
		return err
	}

	connected := 0
	for _, err := range client.List(ctx, clientstate.ListQuery{Status: clientstate.StatusConnected}) {
		if err != nil {
			return err
		}
		connected++
	}
	fmt.Printf("Connected clients: %d\n", connected)

	fmt.Println("Most recent drops:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT ID\tDISCONNECTED (UTC)\tCAUSE")
	shown, reused := 0, 0
	q := clientstate.ListQuery{Status: clientstate.StatusDisconnected, Sort: []string{"-lastDisconnectTime"}, PageSize: 10}
	for st, err := range client.List(ctx, q) {
		if err != nil {
			return err
		}
		if st.Cause() == clientstate.CauseDuplicateClientID {
			// Close code 288: another connection took the client ID over.
			// The device was not offline: not a drop.
			reused++
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cut(st.ClientID, 60), st.LastDisconnected.Format(time.DateTime), st.Cause())
		if shown++; shown == 8 {
			break
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if reused > 0 {
		fmt.Printf("(and %d whose connection another took over with the same client ID, close code 288: not drops)\n", reused)
	}
	return nil
}

// cut shortens s to n characters, ending it with an ellipsis, so that
// every line stays within 120 columns.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// clock is t's time of day in UTC, or "-" for the zero time.
func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.TimeOnly)
}

func main() {
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	err := commandHistory(ctx)
	if err == nil {
		fmt.Println()
		err = connectionStates(ctx)
	}
	cancel()
	if err != nil {
		log.Fatal(err)
	}
}
