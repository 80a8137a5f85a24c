// Command clientstate shows what the IBM Watson IoT Platform knows about its
// clients' connections: which clients are connected, one client in detail,
// who disconnected in the last two days and why, and one device's
// connection log.
//
// Run it with:
//
//	go run ./examples/clientstate
//
// Without credentials it starts the SDK's test fake (package
// clientstatetest), seeded with 300 clients and the connection log of one
// device, placed before the current time. To talk to the real
// platform, set IOTCLIENT_IBM_API_KEY and IOTCLIENT_IBM_API_TOKEN, and
// IOTCLIENT_IBM_ORG unless the key has the form a-{org}-{random}; to pick
// the device whose log is shown, set IOTCLIENT_IBM_DEVICE_TYPE and
// IOTCLIENT_IBM_DEVICE_ID.
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
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// demo device of the mock server: its state and its connection log.
const (
	demoType   = "TemperatureSensor"
	demoDevice = "TemperatureSensor_1"
)

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	cfg, typeID, deviceID, closeMock, err := configure()
	if err != nil {
		return err
	}
	defer closeMock()
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
	if err := detail(ctx, client, "d:"+orgOf(cfg)+":"+typeID+":"+deviceID); err != nil {
		return err
	}
	if err := recentDisconnects(ctx, client, 48*time.Hour); err != nil {
		return err
	}
	return connectionLog(ctx, client, typeID, deviceID)
}

// configure returns the configuration for the real platform when
// credentials are set, and otherwise starts a seeded mock server.
func configure() (cfg clientstate.Config, typeID, deviceID string, closeMock func(), err error) {
	key, token := os.Getenv("IOTCLIENT_IBM_API_KEY"), os.Getenv("IOTCLIENT_IBM_API_TOKEN")
	typeID, deviceID = envOr("IOTCLIENT_IBM_DEVICE_TYPE", demoType), envOr("IOTCLIENT_IBM_DEVICE_ID", demoDevice)
	if key != "" && token != "" {
		org := os.Getenv("IOTCLIENT_IBM_ORG")
		if org == "" {
			var ok bool
			if org, ok = auth.OrgFromAPIKey(key); !ok {
				return cfg, "", "", nil, errors.New("set IOTCLIENT_IBM_ORG: the API key does not name the organization")
			}
		}
		return clientstate.Config{OrgID: org, Auth: auth.APIKey(key, token)}, typeID, deviceID, func() {}, nil
	}

	// The fake's seeded data lies before the moment it starts, so "the
	// last two days" has something in it.
	m := clientstatetest.NewServer()
	m.Seed(300, 1)
	now := time.Now()
	err = m.Add(clientstate.State{
		ClientID:          "d:" + clientstatetest.OrgID + ":" + demoType + ":" + demoDevice,
		ClientType:        clientstate.ClientTypeDevice,
		Status:            clientstate.ConnectionStatus("connected"),
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
	fmt.Printf("(no IOTCLIENT_IBM_API_KEY/IOTCLIENT_IBM_API_TOKEN: using the SDK's test fake at %s)\n\n", m.URL())
	return m.Config(), demoType, demoDevice, m.Close, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func orgOf(cfg clientstate.Config) string {
	if cfg.OrgID != "" {
		return cfg.OrgID
	}
	return clientstatetest.OrgID
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
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s %s\n", st.ClientID, st.ClientType, ago(st.LastConnected), st.LastActivityEvent, ago(st.LastActivity))
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
// newest first, with who ended the connection and the MQTT close code. The
// listing is sorted by disconnect time, so the loop stops at the first
// older disconnect and no further page is fetched.
func recentDisconnects(ctx context.Context, client *clientstate.Client, d time.Duration) error {
	since := time.Now().Add(-d)
	fmt.Printf("Disconnects in the last %s:\n", d)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  CLIENT ID\tDISCONNECTED\tBY\tWHY")
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
			why := "-"
			if st.HasDisconnectReasonCode {
				why = closeCode(st.DisconnectReasonCode)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", st.ClientID, ago(st.LastDisconnected), orDash(string(st.DisconnectedBy)), why)
		}
		n++
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("  ... %d clients disconnected in the last %s\n\n", n, d)
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
			fmt.Printf("  %s  %s\n", e.Time.Local().Format(time.DateTime), e.Message)
		}
		n++
	}
	fmt.Printf("  ... %d entries\n", n)
	return nil
}

// closeCode names one of the platform's MQTT close codes, and says when it
// does not mean the client is offline.
func closeCode(code int) string {
	c, ok := clientstate.LookupCloseCode(code)
	switch {
	case !ok:
		return strconv.Itoa(code)
	case !c.Offline:
		return strconv.Itoa(code) + " " + c.Text + " (not offline)"
	}
	return strconv.Itoa(code) + " " + c.Text
}

// ago renders a time as a duration before now, or "-" for the zero time.
func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return time.Since(t).Round(time.Second).String() + " ago"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
