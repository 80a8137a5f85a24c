// Command clientstate shows what the IBM Watson IoT Platform knows about its
// clients' connections: which clients are connected, one client in detail,
// who disconnected in the last two days and why, and one device's
// connection log.
//
// Run it with:
//
//	go run ./examples/clientstate
//
// The organization comes from the SDK's clientstate.ConfigFromEnv: when
// none of its IOTCLIENT_IBM_* variables is set, the program starts the
// SDK's test fake (package clientstatetest), seeded with 300 clients and
// the connection log of one device, placed before the current time.
// go run ./examples/clientstate -h says which variables it reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

const usage = `Usage: clientstate

Shows the connected clients, one client in detail, the disconnects of the
last two days with their causes, and one device's connection log.

Environment:
  IOTCLIENT_IBM_*            the organization and its API key, as clientstate.ConfigFromEnv
                             reads them (go doc lists them); with none set, the fake serves
  IOTCLIENT_IBM_DEVICE_TYPE  the device whose state and log are shown: its type
  IOTCLIENT_IBM_DEVICE_ID    and its ID (default: the fake's demo device)
`

// demo device of the fake: its state and its connection log.
const (
	demoType   = "TemperatureSensor"
	demoDevice = "TemperatureSensor_1"
)

// Column widths: every line stays within 120 columns.
const (
	clientIDWidth = 56
	messageWidth  = 95
)

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	cfg, typeID, deviceID, closeFake, err := configure()
	if err != nil {
		return err
	}
	defer closeFake()
	client, err := clientstate.NewClient(cfg, iotclient.WithRateLimit(10, 10)) // IBM allows 10 calls a second
	if err != nil {
		return err
	}

	if on, err := client.Enabled(ctx); err == nil && !on {
		fmt.Println("The client connection state API is not activated for this organization.")
		fmt.Println("Activate it with client.SetEnabled(ctx, true).")
		return nil
	}
	if err := connected(ctx, client); err != nil {
		return err
	}
	if err := detail(ctx, client, "d:"+cfg.OrgID+":"+typeID+":"+deviceID); err != nil {
		return err
	}
	if err := recentDisconnects(ctx, client, 48*time.Hour); err != nil {
		return err
	}
	return connectionLog(ctx, client, typeID, deviceID)
}

// configure returns the configuration ConfigFromEnv reads, or, when none
// of its variables is set, starts a seeded fake. It says which it is.
func configure() (cfg clientstate.Config, typeID, deviceID string, closeFake func(), err error) {
	cfg, err = clientstate.ConfigFromEnv()
	typeID, deviceID = envOr("IOTCLIENT_IBM_DEVICE_TYPE", demoType), envOr("IOTCLIENT_IBM_DEVICE_ID", demoDevice)
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
	case err != nil:
		return cfg, "", "", nil, err // names the variable to fix
	default:
		domain := cfg.Domain
		if domain == "" {
			domain = clientstate.DefaultDomain
		}
		fmt.Printf("IBM Watson IoT: organization %s at %s\n\n", cfg.OrgID, domain)
		return cfg, typeID, deviceID, func() {}, nil
	}

	// The fake's seeded data lies before the moment it starts, so "the
	// last two days" has something in it.
	m := clientstatetest.NewServer()
	m.Seed(300, 1)
	now := time.Now()
	err = m.Add(clientstate.State{
		ClientID:          "d:" + clientstatetest.OrgID + ":" + demoType + ":" + demoDevice,
		ClientType:        clientstate.ClientTypeDevice,
		Status:            clientstate.StatusConnected,
		LastConnected:     now.Add(-90 * time.Minute),
		LastDisconnected:  now.Add(-92 * time.Minute),
		LastActivity:      now.Add(-30 * time.Second),
		LastActivityEvent: clientstate.ActivityEvent("mqttPublish"),
		Protocol:          "3.1.1",
	})
	if err != nil {
		m.Close()
		return cfg, "", "", nil, err
	}
	m.SeedLogs(demoType, demoDevice, 60, 1)
	fmt.Print("IBM Watson IoT: the embedded fake (no IOTCLIENT_IBM_* variable is set)\n\n")
	cfg = m.Config()
	cfg.OrgID = clientstatetest.OrgID
	return cfg, demoType, demoDevice, m.Close, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// connected prints the most recently active connected clients and how many
// are connected in all.
func connected(ctx context.Context, client *clientstate.Client) error {
	fmt.Println("Connected clients, most recently active first:")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLIENT ID\tTYPE\tCONNECTED SINCE\tLAST ACTIVITY")
	q := clientstate.ListQuery{Status: clientstate.StatusConnected, Sort: []string{"-lastActivityTime"}}
	n := 0
	for st, err := range client.List(ctx, q) {
		if err != nil {
			return err
		}
		if n < 5 {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s %s\n", cut(st.ClientID, clientIDWidth), st.ClientType, ago(st.LastConnected), st.LastActivityEvent, ago(st.LastActivity))
		}
		n++
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("  ... %d connected clients in all\n\n", n)
	return nil
}

// detail prints every field of one client's state.
func detail(ctx context.Context, client *clientstate.Client, clientID string) error {
	fmt.Printf("Client %s:\n", clientID)
	st, err := client.Get(ctx, clientID)
	if errors.Is(err, iotclient.ErrNotFound) {
		fmt.Print("  the platform does not know this client\n\n")
		return nil
	}
	if err != nil {
		return err
	}
	id, _ := st.ParseClientID()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  kind\t%s (type %s, device %s)\n", id.Kind, id.TypeID, id.DeviceID)
	fmt.Fprintf(tw, "  status\t%s\n", st.Status)
	fmt.Fprintf(tw, "  last connected\t%s\n", ago(st.LastConnected))
	fmt.Fprintf(tw, "  last disconnected\t%s\n", ago(st.LastDisconnected))
	fmt.Fprintf(tw, "  last activity\t%s %s\n", st.LastActivityEvent, ago(st.LastActivity))
	fmt.Fprintf(tw, "  MQTT protocol\t%s\n", orDash(st.Protocol))
	for name, raw := range st.Extra {
		fmt.Fprintf(tw, "  %s\t%s (not modelled by the SDK)\n", name, raw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Println()
	return nil
}

// recentDisconnects prints the clients that disconnected within the last d,
// newest first, with who ended the connection and its cause. The listing
// is sorted by disconnect time, so the loop stops at the first older
// disconnect and no further page is fetched.
func recentDisconnects(ctx context.Context, client *clientstate.Client, d time.Duration) error {
	since := time.Now().Add(-d)
	fmt.Printf("Disconnects in the last %s:\n", human(d))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLIENT ID\tDISCONNECTED\tBY\tCAUSE")
	q := clientstate.ListQuery{Status: clientstate.StatusDisconnected, Sort: []string{"-lastDisconnectTime"}, PageSize: 25}
	n := 0
	for st, err := range client.List(ctx, q) {
		if err != nil {
			return err
		}
		if st.LastDisconnected.Before(since) {
			break
		}
		if n < 10 {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", cut(st.ClientID, clientIDWidth), ago(st.LastDisconnected),
				orDash(string(st.DisconnectedBy)), orDash(string(st.Cause())))
		}
		n++
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("  ... %d clients disconnected in the last %s\n\n", n, human(d))
	return nil
}

// connectionLog prints the device's connection log of the last week,
// newest first.
func connectionLog(ctx context.Context, client *clientstate.Client, typeID, deviceID string) error {
	fmt.Printf("Connection log of %s/%s, last 7 days (newest first):\n", typeID, deviceID)
	now := time.Now()
	q := clientstate.LogQuery{From: now.Add(-7 * 24 * time.Hour), To: now}
	n := 0
	for e, err := range client.ConnectionLogs(ctx, typeID, deviceID, q) {
		if errors.Is(err, iotclient.ErrNotFound) {
			fmt.Println("  the platform does not know this device")
			return nil
		}
		if err != nil {
			return err
		}
		if n < 8 {
			fmt.Printf("  %s  %s\n", e.Time.Local().Format(time.DateTime), cut(e.Message, messageWidth))
		}
		n++
	}
	fmt.Printf("  ... %d entries\n", n)
	return nil
}

// ago renders a time as a duration before now, or "-" for the zero time.
func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return human(time.Since(t)) + " ago"
}

// human renders d as people write it, in its two largest units: 19d17h,
// 3h5m, 4m10s, 12s (time.Duration's String would say 473h42m22s).
func human(d time.Duration) string {
	if d < 0 {
		return "-" + human(-d)
	}
	d = d.Round(time.Second)
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		if d < u.d && i < len(units)-1 {
			continue
		}
		s := strconv.FormatInt(int64(d/u.d), 10) + u.name
		if rest := d % u.d; i < len(units)-1 && rest >= units[i+1].d {
			s += strconv.FormatInt(int64(rest/units[i+1].d), 10) + units[i+1].name
		}
		return s
	}
	return "0s"
}

// cut shortens s to n characters, ending it with an ellipsis, so a table
// stays within the terminal.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func main() {
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}
