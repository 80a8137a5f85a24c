// Command pushwait delivers 100 commands and waits for all their outcomes
// from the notifications IoTDA pushes (device.command.status), counting
// how many a push resolved and how many the polling fallback did.
//
//	go run ./examples/pushwait
//
// It receives the pushes with notify.Handler on a listener of its own,
// feeds them to one commands.Watcher, and waits with commands.WaitAll: a
// command whose final status is pushed is never read; one whose push never
// comes is read after -poll-max, so a lost push costs time, not the
// outcome. A transport counts the reads of each command.
//
// When none of the IOTCLIENT_IOTDA_* variables is set it runs against the
// SDK's test fake (package commandstest), which plays each command's
// lifecycle in about a second and pushes every change to the listener. So
// that both numbers mean something, the fake is told to drop every push of
// one command in twenty (commandstest.PushFaults.DropIDs), and to send a
// fifth of the others twice and a tenth late, as an at-least-once channel
// does. The program says so.
//
// A real platform (commands.ConfigFromEnv) gets the commands only with
// -yes, and needs -listen: the address the project's forwarding rule (an
// HTTP action on device.command.status) reaches. The commands go to
// IOTCLIENT_IOTDA_DEVICE_ID, sent immediately; IOTCLIENT_IOTDA_SERVICE_ID
// and IOTCLIENT_IOTDA_COMMAND name them (default Switch/ON_OFF). go run
// ./examples/pushwait -h says which variables it reads.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/notify"
)

const usage = `Usage: pushwait [-yes] [-listen ADDR] [-n N] [-poll-max D] [-timeout D]

Delivers N commands (default 100) and waits for all their outcomes from
IoTDA's pushed notifications, counting how many a push resolved and how
many the polling fallback did.

Flags:
  -yes          deliver the commands on the real platform (the fake needs no -yes)
  -listen ADDR  receive the pushes on ADDR, host:port (the real platform needs it:
                the address its forwarding rule reaches; default for the fake
                127.0.0.1:0, a free loopback port)
  -n N          how many commands (default 100)
  -poll-max D   read a command whose final status was not pushed after D
                (default 3s for the fake, 30s for the real platform)
  -timeout D    give up after D (default 5m)

Environment: commands.ConfigFromEnv's IOTCLIENT_IOTDA_* variables name the
project and its credential (go doc lists them); with none set, the fake
serves. A real project also needs
  IOTCLIENT_IOTDA_DEVICE_ID    the device the commands go to
and may name the commands with
  IOTCLIENT_IOTDA_SERVICE_ID   their service (default Switch)
  IOTCLIENT_IOTDA_COMMAND      their name (default ON_OFF)
`

// errNotConfirmed ends a run against a real platform without -yes.
var errNotConfirmed = errors.New("not sent: a real device gets commands only with -yes")

// options are the command line's.
type options struct {
	yes     bool
	listen  string
	n       int
	pollMax time.Duration
	timeout time.Duration
}

func run(o options) error {
	if o.n < 1 || o.n > 10000 {
		return fmt.Errorf("-n %d: must be 1 to 10000", o.n)
	}
	cfg, err := commands.ConfigFromEnv()
	fake := errors.Is(err, iotclient.ErrNoConfig)
	if err != nil && !fake {
		return err // names the variable to fix
	}
	device := os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID")
	switch {
	case fake:
		fmt.Println("Huawei IoTDA: the embedded fake (no IOTCLIENT_IOTDA_* variable is set)")
	case device == "":
		return errors.New("IOTCLIENT_IOTDA_DEVICE_ID: set the device the commands go to")
	case o.listen == "":
		return errors.New("-listen: give the address the project's forwarding rule pushes to (host:port)")
	default:
		fmt.Println("Huawei IoTDA:", cfg.Endpoint)
		if !o.yes {
			fmt.Printf("would deliver %d commands to %s and wait for their pushes on %s; run again with -yes to send them\n", o.n, device, o.listen)
			return errNotConfirmed
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	// 1. The receiver: the handler answers each push 200 at once and
	// streams it; one watcher takes the stream, duplicates and late
	// changes dropped, before any command exists.
	handler, err := notify.NewHandler(notify.HandlerConfig{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cmp.Or(o.listen, "127.0.0.1:0"))
	if err != nil {
		return err
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = server.Serve(ln) }() // ErrServerClosed after Shutdown
	defer func() {
		handler.Close() // answers a push still waiting at once
		_ = server.Shutdown(context.Background())
	}()
	url := "http://" + ln.Addr().String() + "/"
	fmt.Println("receiving pushes on", url)
	var watcher commands.Watcher
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		_ = watcher.Run(notify.CommandUpdates(notify.Deduplicate(handler.Notifications(ctx))))
	}()
	defer func() { cancel(); <-watched }()

	// 2. The platform, and a client whose reads of each command are
	// counted on their way out.
	reads := &readCounter{base: http.DefaultTransport, n: map[string]int{}}
	cmd := commands.NewCommand{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "ON"}, Strategy: commands.SendImmediately}
	var devices []string
	var srv *commandstest.Server
	faults := commandstest.PushFaults{Seed: 7, Duplicate: 0.2, Reorder: 0.1}
	if fake {
		srv = commandstest.NewServer(
			commandstest.WithLifecycle(commandstest.Lifecycle{
				SendAfter: time.Second, DeliverAfter: 200 * time.Millisecond, RespondAfter: 300 * time.Millisecond,
				TimeoutAfter: time.Second,
				Outcomes:     map[string]commands.Status{"REBOOT": commands.StatusFailed, "SELF_TEST": commands.StatusTimeout},
			}),
			commandstest.WithPush(url, commandstest.PushOptions{Faults: faults}),
		)
		defer srv.Close()
		for i := range 10 {
			devices = append(devices, fmt.Sprintf("pump-%02d", i))
			srv.AddDevice(devices[i])
		}
		cfg = srv.Config()
		o.pollMax = cmp.Or(o.pollMax, 3*time.Second)
		cmd.Strategy = commands.SendDelay // the fake's devices report every second
		fmt.Println("the fake drops every push of one command in twenty on purpose, so that polling has work;")
		fmt.Println("it also sends a fifth of the other pushes twice and a tenth late, as an at-least-once channel does")
	} else {
		devices = []string{device}
		cmd.ServiceID = cmp.Or(os.Getenv("IOTCLIENT_IOTDA_SERVICE_ID"), cmd.ServiceID)
		cmd.Name = cmp.Or(os.Getenv("IOTCLIENT_IOTDA_COMMAND"), cmd.Name)
		o.pollMax = cmp.Or(o.pollMax, commands.DefaultPollMax)
	}
	client, err := commands.NewClient(cfg, iotclient.WithHTTPClient(&http.Client{Transport: reads}))
	if err != nil {
		return err
	}

	// 3. Deliver. On the fake, one command in twenty loses its pushes
	// from now on: its final status will not be pushed.
	start := time.Now()
	names := []string{"ON_OFF", "ON_OFF", "REBOOT", "ON_OFF", "SELF_TEST", "ON_OFF", "ON_OFF", "ON_OFF", "ON_OFF", "ON_OFF"}
	refs := make([]commands.CommandRef, 0, o.n)
	for i := range o.n {
		c := cmd
		if fake {
			c.Name = names[i%len(names)]
		}
		dev := devices[i%len(devices)]
		created, err := client.Create(ctx, dev, c)
		if err != nil {
			return fmt.Errorf("delivering command %d: %w", i+1, err)
		}
		refs = append(refs, commands.CommandRef{DeviceID: dev, CommandID: created.ID})
		if fake && i%20 == 19 {
			faults.DropIDs = append(faults.DropIDs, created.ID)
			if err := srv.SetPushFaults(faults); err != nil {
				return err
			}
		}
	}
	fmt.Printf("delivered %d commands to %d devices in %s\n", len(refs), len(devices), since(start))

	// 4. Wait for all of them: from pushes, reading a command only when
	// its final status was not pushed within -poll-max.
	outcomes := map[commands.Status]int{}
	byPush, byPoll := 0, 0
	for c, err := range client.WaitAll(ctx, refs, commands.WaitOptions{Watcher: &watcher, PollMax: o.pollMax}) {
		if err != nil {
			return fmt.Errorf("waiting: %w", err)
		}
		outcomes[c.Status]++
		if reads.count(c.ID) == 0 {
			byPush++
		} else {
			byPoll++
		}
	}
	fmt.Printf("all %d outcomes in %s: %s\n", len(refs), since(start), tally(outcomes))
	fmt.Printf("  resolved by push:             %3d (the command was never read)\n", byPush)
	fmt.Printf("  resolved by polling fallback: %3d (read after %s without its final push)\n", byPoll, o.pollMax)
	if fake {
		fmt.Printf("the fake dropped the pushes of %d commands on purpose\n", len(faults.DropIDs))
	}
	return nil
}

// readCounter counts the reads of each command (GET .../async-commands/ID)
// on their way to the platform.
type readCounter struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    map[string]int // by command ID
}

func (r *readCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	const marker = "/async-commands/"
	if i := strings.LastIndex(req.URL.Path, marker); req.Method == http.MethodGet && i >= 0 {
		r.mu.Lock()
		r.n[req.URL.Path[i+len(marker):]]++
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

func (r *readCounter) count(commandID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[commandID]
}

// tally lists the outcomes, the most frequent first.
func tally(m map[commands.Status]int) string {
	statuses := make([]commands.Status, 0, len(m))
	for s := range m {
		statuses = append(statuses, s)
	}
	sort.Slice(statuses, func(i, j int) bool {
		if m[statuses[i]] != m[statuses[j]] {
			return m[statuses[i]] > m[statuses[j]]
		}
		return statuses[i] < statuses[j]
	})
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = fmt.Sprintf("%d %s", m[s], s)
	}
	return strings.Join(parts, ", ")
}

// since is the time since start, to a tenth of a second.
func since(start time.Time) time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

func main() {
	var o options
	flag.BoolVar(&o.yes, "yes", false, "deliver the commands on the real platform (the fake needs no -yes)")
	flag.StringVar(&o.listen, "listen", "", "receive the pushes on this address, host:port")
	flag.IntVar(&o.n, "n", 100, "how many commands")
	flag.DurationVar(&o.pollMax, "poll-max", 0, "read a command whose final status was not pushed after this long")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up after this long")
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}
