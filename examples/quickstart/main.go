// Command quickstart answers the SDK's two questions against the SDK's test
// fakes (packages commandstest and clientstatetest), or the real platforms
// when credentials are set:
//
//   - what happened to the commands sent to a device (Huawei IoTDA), and
//   - which devices are connected, and why the others dropped (IBM Watson IoT).
//
// Run it with:
//
//	go run ./examples/quickstart
//
// To talk to Huawei IoTDA instead, set IOTCLIENT_IOTDA_ENDPOINT,
// IOTCLIENT_IOTDA_PROJECT_ID, IOTCLIENT_IOTDA_DEVICE_ID and either
// IOTCLIENT_IOTDA_AK + IOTCLIENT_IOTDA_SK or IOTCLIENT_IOTDA_TOKEN
// (IOTCLIENT_IOTDA_INSTANCE_ID is optional). To talk to IBM Watson IoT, set
// IOTCLIENT_IBM_ORG, IOTCLIENT_IBM_API_KEY and IOTCLIENT_IBM_API_TOKEN.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"text/tabwriter"
	"time"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := commandHistory(ctx); err != nil {
		return err
	}
	fmt.Println()
	return connectionStates(ctx)
}

// commandHistory prints a device's 15 most recent commands.
func commandHistory(ctx context.Context) error {
	cfg := commands.Config{
		Endpoint:   os.Getenv("IOTCLIENT_IOTDA_ENDPOINT"),
		ProjectID:  os.Getenv("IOTCLIENT_IOTDA_PROJECT_ID"),
		InstanceID: os.Getenv("IOTCLIENT_IOTDA_INSTANCE_ID"),
	}
	device := os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID")
	switch {
	case cfg.Endpoint == "":
		m := commandstest.NewServer()
		defer m.Close()
		fmt.Printf("(using the SDK's IoTDA test fake at %s)\n", m.URL())
		device = "thermostat-0042"
		m.Seed(device, 120, 7)
		cfg = m.Config()
	case os.Getenv("IOTCLIENT_IOTDA_TOKEN") != "":
		cfg.Auth = auth.Token(os.Getenv("IOTCLIENT_IOTDA_TOKEN"))
	default:
		cfg.Auth = auth.AKSK(os.Getenv("IOTCLIENT_IOTDA_AK"), os.Getenv("IOTCLIENT_IOTDA_SK"))
	}
	client, err := commands.NewClient(cfg)
	if err != nil {
		return err
	}

	fmt.Printf("Recent commands of device %s (Huawei IoTDA):\n", device)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COMMAND ID\tSERVICE\tNAME\tSTATUS\tCREATED (UTC)\tRESPONDED")
	n := 0
	for cmd, err := range client.History(ctx, device, commands.HistoryQuery{PageSize: 10}) {
		if err != nil {
			return err
		}
		responded := "-"
		if !cmd.RespondedAt.IsZero() {
			responded = cmd.RespondedAt.Sub(cmd.CreatedAt).String() + " later"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cmd.ID, cmd.ServiceID, cmd.Name, cmd.Status,
			cmd.CreatedAt.Format(time.DateTime), responded)
		if n++; n == 15 {
			break // the iterator stops fetching here: two pages were requested
		}
	}
	return tw.Flush()
}

// connectionStates prints how many clients are connected and the most
// recent disconnects with who caused them and why.
func connectionStates(ctx context.Context) error {
	cfg := clientstate.Config{OrgID: os.Getenv("IOTCLIENT_IBM_ORG")}
	if cfg.OrgID == "" {
		m := clientstatetest.NewServer()
		defer m.Close()
		fmt.Printf("(using the SDK's IBM test fake at %s)\n", m.URL())
		m.Seed(250, 7)
		cfg = m.Config()
	} else {
		cfg.Auth = auth.APIKey(os.Getenv("IOTCLIENT_IBM_API_KEY"), os.Getenv("IOTCLIENT_IBM_API_TOKEN"))
	}
	client, err := clientstate.NewClient(cfg)
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
	fmt.Printf("Connected clients (IBM Watson IoT): %d\n", connected)

	fmt.Println("Most recent disconnects:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT ID\tDISCONNECTED (UTC)\tBY\tREASON CODE")
	n := 0
	q := clientstate.ListQuery{Status: clientstate.StatusDisconnected, Sort: []string{"-lastDisconnectTime"}, PageSize: 10}
	for st, err := range client.List(ctx, q) {
		if err != nil {
			return err
		}
		by, code := string(st.DisconnectedBy), "-"
		if by == "" {
			by = "-"
		}
		if st.HasDisconnectReasonCode {
			code = fmt.Sprint(st.DisconnectReasonCode)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.ClientID, st.LastDisconnected.Format(time.DateTime), by, code)
		if n++; n == 8 {
			break
		}
	}
	return tw.Flush()
}

func main() {
	// -h prints the flags and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}
