// Command monitor watches IBM Watson IoT Platform devices connect and
// disconnect live, over the platform's MQTT monitor topics, and keeps a
// fleet tracker (REST snapshot + live events) up to date.
//
// Run it with:
//
//	go run ./examples/monitor
//	go run ./examples/monitor -duration 30s -events 500
//
// Without credentials it starts the SDK's test fake of the platform
// (package livetest: REST and an MQTT broker on loopback) with 60
// simulated clients that flap: they
// connect, drop with a close code, fail to connect, or get kicked off by a
// reused client ID (close code 288, which does not mean offline). Halfway
// through, the mock drops the monitor's connection, to show the reconnect.
// It stops after -events events or -duration, whichever comes first, and
// exits 0.
//
// To watch a real organization, set IOTCLIENT_IBM_API_KEY and
// IOTCLIENT_IBM_API_TOKEN, and IOTCLIENT_IBM_ORG unless the key has the
// form a-{org}-{random}. The monitor then connects to
// ssl://{org}.messaging.internetofthings.ibmcloud.com:8883 as a:{org}:{appId},
// with an app ID unique to this run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
)

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
			note := ""
			switch {
			case ev.ClientIDReused():
				note = "  <- client ID reused: still online"
			case !applied:
				note = "  (older than what was known: ignored)"
			}
			if c := ev.Cause(); c != clientstate.CauseNone {
				note = " " + string(c) + note // the close code in the SDK's cause vocabulary
			}
			fmt.Printf("%s%s\n", ev, note)
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
	sum := tracker.Summary(duration)
	fmt.Printf("-- why they dropped: %d disconnects in the last %s\n", sum.Disconnects, duration)
	for _, c := range clientstate.Causes() {
		if n := sum.ByCause[c]; n > 0 {
			fmt.Printf("   %-28s %d\n", c, n)
		}
	}
	for i, f := range tracker.Flapping(duration, 3) {
		if i == 5 {
			break
		}
		fmt.Printf("-- flapping: %s dropped %d times (%v)\n", f.ClientID, f.Disconnects, f.ByCause)
	}
	if ctx.Err() != nil {
		return nil // the time or event budget ran out, or Ctrl-C: a normal end
	}
	return err
}

// platform is where the example connects, and for the mock, how its fleet
// is simulated.
type platform struct {
	rest     clientstate.Config
	mon      live.Config
	simulate func(ctx context.Context) // starts the simulated fleet (mock only)
	wait     func()                    // waits for the simulation to stop
	close    func()
}

// connect configures the real platform when credentials are set, else the
// embedded mock with a flapping fleet.
func connect() (*platform, error) {
	key, token := os.Getenv("IOTCLIENT_IBM_API_KEY"), os.Getenv("IOTCLIENT_IBM_API_TOKEN")
	if key != "" || token != "" {
		org := os.Getenv("IOTCLIENT_IBM_ORG")
		cred := auth.APIKey(key, token)
		return &platform{
			rest:  clientstate.Config{OrgID: org, Auth: cred},
			mon:   live.Config{OrgID: org, Auth: cred},
			close: func() {},
		}, nil
	}

	rest := clientstatetest.NewServer()
	rest.Seed(60, 1)
	s, err := livetest.NewServer(rest)
	if err != nil {
		rest.Close()
		return nil, err
	}
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
	// -h prints the flags and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(*duration, *maxEvents); err != nil {
		log.Fatal(err)
	}
}
