// Command monitor watches IBM Watson IoT Platform devices connect and
// disconnect live, over the platform's MQTT monitor topics, and keeps a
// fleet tracker (REST snapshot + live events) up to date.
//
// Run it with:
//
//	go run ./examples/monitor
//	go run ./examples/monitor -duration 30s -events 500
//
// The organization comes from the SDK's ConfigFromEnv (clientstate and
// live). When none of the IOTCLIENT_IBM_* variables is set, it starts the
// SDK's test fake of the platform (package livetest: REST and an MQTT
// broker on loopback) with 60 simulated clients that flap: they connect,
// drop with a close code, fail to connect, or get kicked off by a reused
// client ID (close code 288, which does not mean offline). Halfway
// through, the fake drops the monitor's connection, to show the reconnect.
// It stops after -events events or -duration, whichever comes first, and
// exits 0. go run ./examples/monitor -h says which variables it reads.
//
// Against a real organization the monitor connects to
// ssl://{org}.messaging.internetofthings.ibmcloud.com:8883 as a:{org}:{appId},
// with an app ID unique to this run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
)

const usage = `Usage: monitor [-duration D] [-events N]

Watches devices connect and disconnect live (MQTT) and keeps a fleet
tracker up to date, then says why the devices dropped and which keep
reconnecting.

Flags:
  -duration D   stop after this long (default 5s)
  -events N     stop after this many live events (default 200; 0: no limit)

Environment: the organization and its API key come from the IOTCLIENT_IBM_*
variables of clientstate.ConfigFromEnv and live.ConfigFromEnv, which read the
same ones (go doc github.com/iotclient/iotclient-go/clientstate.ConfigFromEnv
lists them); with none set, the fake serves.
`

// clientIDWidth keeps every line within 120 columns.
const clientIDWidth = 56

func run(duration time.Duration, maxEvents int) error {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	p, err := connect()
	if err != nil {
		return err
	}
	defer p.close()

	rest, err := clientstate.NewClient(p.rest)
	if err != nil {
		return err
	}
	p.mon.OnConnect = func(info live.ConnectInfo) {
		what := "connected"
		if info.Reconnect() {
			what = "reconnected"
		}
		fmt.Printf("-- %s to %s as %s, watching %v\n", what, info.Broker, info.ClientID, info.Topics)
	}
	mon, err := live.NewMonitor(p.mon)
	if err != nil {
		return err
	}

	var changes, retained atomic.Int64
	tracker, err := live.NewTracker(rest, mon, live.TrackerConfig{
		OnEvent: func(ev live.Event, applied bool) {
			if ev.Retained {
				retained.Add(1) // the state of each device when the subscription began
				return
			}
			line := fmt.Sprintf("%s %-*s %s", ev.Time.UTC().Format("15:04:05.000"), clientIDWidth, cut(ev.ClientID, clientIDWidth), ev.Action)
			if c := ev.Cause(); c != clientstate.CauseNone {
				line += " " + string(c) // the close code in the SDK's one vocabulary
			}
			switch {
			case ev.ClientIDReused():
				line += " (still online)"
			case !applied:
				line += " (older than what was known: ignored)"
			}
			fmt.Println(line)
			if n := changes.Add(1); maxEvents > 0 && n >= int64(maxEvents) {
				cancel()
			}
		},
		OnError: func(err error) {
			// A message that could not be decoded, or a lost connection:
			// the tracker keeps going.
			fmt.Println("--", err)
		},
	})
	if err != nil {
		return err
	}

	done := make(chan error, 1)
	go func() { done <- tracker.Run(ctx) }()
	select {
	case <-tracker.Ready():
		fmt.Printf("-- snapshot: %d clients, %d connected\n", tracker.Len(), len(tracker.Connected()))
	case err := <-done:
		return err
	}
	if p.simulate != nil {
		p.simulate(ctx)
	}

	err = <-done
	if p.wait != nil {
		p.wait()
	}
	fmt.Printf("-- %d live events, %d retained; now %d connected, %d disconnected\n",
		changes.Load(), retained.Load(), len(tracker.Connected()), len(tracker.Disconnected()))
	report(tracker, duration)
	if ctx.Err() != nil {
		return nil // the time or event budget ran out, or Ctrl-C: a normal end
	}
	return err
}

// report says why the clients dropped over the window and which keep
// reconnecting. A 288 (another connection took the client ID over) is not
// a drop: the device stayed online.
func report(tracker *live.Tracker, window time.Duration) {
	sum := tracker.Summary(window)
	reused := sum.ByCause[clientstate.CauseDuplicateClientID]
	fmt.Printf("-- why they dropped: %d drops during the run\n", sum.Disconnects-reused)
	for _, c := range clientstate.Causes() {
		if n := sum.ByCause[c]; n > 0 && c != clientstate.CauseDuplicateClientID {
			fmt.Printf("   %-28s %d\n", c, n)
		}
	}
	if reused > 0 {
		fmt.Printf("-- and %d times another connection took a client ID over (close code 288): still online, not drops\n", reused)
	}
	shown := 0
	for _, f := range tracker.Flapping(window, 3) {
		drops := f.Disconnects - f.ByCause[clientstate.CauseDuplicateClientID]
		if drops < 3 {
			continue
		}
		fmt.Printf("-- flapping: %s dropped %d times:\n   %s\n", cut(f.ClientID, clientIDWidth), drops, causes(f.ByCause))
		if shown++; shown == 5 {
			break
		}
	}
}

// causes lists the drops by cause, in the order of clientstate.Causes,
// such as "MQTT_KEEP_ALIVE_TIMEOUT 2, THROTTLED 1".
func causes(by map[clientstate.Cause]int) string {
	var parts []string
	for _, c := range clientstate.Causes() {
		if n := by[c]; n > 0 && c != clientstate.CauseDuplicateClientID {
			parts = append(parts, string(c)+" "+strconv.Itoa(n))
		}
	}
	return strings.Join(parts, ", ")
}

// cut shortens s to n characters, ending it with an ellipsis, so a line
// stays within the terminal.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// platform is where the example connects, and for the fake, how its fleet
// is simulated.
type platform struct {
	rest     clientstate.Config
	mon      live.Config
	simulate func(ctx context.Context) // starts the simulated fleet (fake only)
	wait     func()                    // waits for the simulation to stop
	close    func()
}

// connect configures the organization ConfigFromEnv describes, or when
// none of its variables is set the fake with a flapping fleet, and says
// which.
func connect() (*platform, error) {
	rest, err := clientstate.ConfigFromEnv()
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
	case err != nil:
		return nil, err // names the variable to fix
	default:
		mon, err := live.ConfigFromEnv() // the same variables: the same organization
		if err != nil {
			return nil, err
		}
		domain := rest.Domain
		if domain == "" {
			domain = clientstate.DefaultDomain
		}
		fmt.Printf("IBM Watson IoT: organization %s at %s\n", rest.OrgID, domain)
		return &platform{rest: rest, mon: mon, close: func() {}}, nil
	}

	fake := clientstatetest.NewServer()
	fake.Seed(60, 1)
	s, err := livetest.NewServer(fake)
	if err != nil {
		fake.Close()
		return nil, err
	}
	fmt.Println("IBM Watson IoT: the embedded fake (no IOTCLIENT_IBM_* variable is set)")
	var wg sync.WaitGroup
	return &platform{
		rest: s.Config(),
		mon:  s.LiveConfig(),
		simulate: func(ctx context.Context) {
			wg.Go(func() { flap(ctx, s) })
		},
		wait:  wg.Wait,
		close: s.Close,
	}, nil
}

// flap changes a random device every 25ms until ctx ends, and drops every
// MQTT connection once, after two seconds.
func flap(ctx context.Context, fake *livetest.Server) {
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	drop := time.After(2 * time.Second)
	for seed := int64(1); ; seed++ {
		select {
		case <-ctx.Done():
			return
		case <-drop:
			fmt.Printf("-- the fake drops %d MQTT connection(s)\n", fake.DropConnections())
		case <-tick.C:
			if _, err := fake.Flap(seed, 1); err != nil {
				fmt.Println("-- flap:", err)
				return
			}
		}
	}
}

func main() {
	duration := flag.Duration("duration", 5*time.Second, "stop after this long")
	maxEvents := flag.Int("events", 200, "stop after this many live events (0: no limit)")
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(*duration, *maxEvents); err != nil {
		log.Fatal(err)
	}
}
