// Command sendcommand delivers a command to a device, waits for its outcome
// and shows the command's entry in the device's history.
//
//	go run ./examples/sendcommand
//
// The IoTDA project comes from the SDK's commands.ConfigFromEnv, the device
// from IOTCLIENT_IOTDA_DEVICE_ID. When none of the IOTCLIENT_IOTDA_*
// variables is set it runs against the SDK's test fake (package
// commandstest: it logs in through the fake's IAM, and the fake plays the
// command's lifecycle in a second or two). A real device is sent a command
// only with -yes: without it the program says what it would send and
// exits 1. The command is Switch/ON_OFF {"value":"ON"} unless
// IOTCLIENT_IOTDA_SERVICE_ID, IOTCLIENT_IOTDA_COMMAND and
// IOTCLIENT_IOTDA_PARAS (a JSON object) say otherwise; IOTCLIENT_IOTDA_WAIT
// bounds the wait (default 2m). go run ./examples/sendcommand -h lists the
// variables.
package main

import (
	"context"
	stdjson "encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

const usage = `Usage: sendcommand [-yes]

Delivers a command to a device, waits for its outcome and shows the
command's entry in the device's history.

Flags:
  -yes   send the command to the real platform (the fake needs no -yes)

Environment: the IoTDA project and its credential, as commands.ConfigFromEnv
reads them (go doc github.com/iotclient/iotclient-go/commands.ConfigFromEnv;
with none of its IOTCLIENT_IOTDA_* variables set, the fake serves), and
  IOTCLIENT_IOTDA_DEVICE_ID    the device the command goes to (required with a project)
  IOTCLIENT_IOTDA_SERVICE_ID   the command's service (default Switch)
  IOTCLIENT_IOTDA_COMMAND      the command's name (default ON_OFF)
  IOTCLIENT_IOTDA_PARAS        its parameters, a JSON object (default {"value":"ON"})
  IOTCLIENT_IOTDA_WAIT         how long to wait for the outcome (default 2m)
`

// errNotConfirmed ends a run against a real platform without -yes.
var errNotConfirmed = errors.New("not sent: a real device gets a command only with -yes")

func run(yes bool) error {
	env, done, err := connect()
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()

	if env.real && !yes {
		fmt.Printf("would deliver %s/%s %s to %s; run again with -yes to send it\n",
			env.command.ServiceID, env.command.Name, params(env.command.Params), env.device)
		return errNotConfirmed
	}

	// 1. Deliver. Create is never sent twice once it may have reached the
	// platform; bad input is refused before any request.
	cmd, err := env.client.Create(ctx, env.device, env.command)
	if err != nil {
		return fmt.Errorf("delivering: %w", err)
	}
	fmt.Printf("delivered %s/%s to %s: command %s, %s\n", cmd.ServiceID, cmd.Name, env.device, cmd.ID, cmd.Status)

	// 2. Wait for a final status, reporting progress; the deadline bounds
	// the wait (a delayed command to a sleeping device can stay PENDING
	// for hours).
	wctx, cancel := context.WithTimeout(ctx, env.wait)
	defer cancel()
	opts := env.poll
	opts.OnStatus = func(c commands.Command) { fmt.Printf("  now %s\n", c.Status) }
	final, err := env.client.Wait(wctx, env.device, cmd.ID, opts)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Printf("gave up after %s: %v\n", env.wait, err)
		return nil
	case err != nil:
		return fmt.Errorf("waiting: %w", err)
	}
	fmt.Printf("finished %s", final.Status)
	if len(final.Result) > 0 {
		fmt.Printf(", result %s", final.Result)
	}
	fmt.Println()

	// 3. The same command in the device's history (newest first, so it is
	// among the first records of its name).
	for h, err := range env.client.History(ctx, env.device, commands.HistoryQuery{CommandName: cmd.Name, PageSize: 10}) {
		if err != nil {
			return fmt.Errorf("reading the history: %w", err)
		}
		if h.ID != cmd.ID {
			continue
		}
		fmt.Printf("history entry: %s %s/%s %s\n", h.ID, h.ServiceID, h.Name, h.Status)
		fmt.Printf("  created %s", h.CreatedAt.Format(time.RFC3339))
		if !h.SentAt.IsZero() {
			fmt.Printf(", sent %s", h.SentAt.Format(time.TimeOnly))
		}
		if !h.DeliveredAt.IsZero() {
			fmt.Printf(", delivered %s", h.DeliveredAt.Format(time.TimeOnly))
		}
		if !h.RespondedAt.IsZero() {
			fmt.Printf(", answered %s", h.RespondedAt.Format(time.TimeOnly))
		}
		fmt.Println()
		break
	}
	n, err := env.client.Count(ctx, env.device, commands.CountQuery{CommandName: cmd.Name})
	if err != nil {
		return fmt.Errorf("counting: %w", err)
	}
	fmt.Printf("%s has %d %s commands in its history\n", env.device, n, cmd.Name)
	return nil
}

type setup struct {
	client  *commands.Client
	real    bool // a real platform, not the fake
	device  string
	command commands.NewCommand
	wait    time.Duration
	poll    commands.WaitOptions
}

// connect builds a client for the platform ConfigFromEnv describes, or,
// when none of its variables is set, for a fake whose commands progress on
// their own within a second or two. It says which.
func connect() (env setup, done func(), err error) {
	env = setup{
		device: os.Getenv("IOTCLIENT_IOTDA_DEVICE_ID"),
		command: commands.NewCommand{
			ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "ON"},
			Strategy: commands.SendDelay, Expire: time.Hour,
		},
		wait: 2 * time.Minute,
	}
	done = func() {}
	cfg, err := commands.ConfigFromEnv()
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
		m := commandstest.NewServer(commandstest.WithLifecycle(commandstest.Lifecycle{
			SendAfter: time.Second, DeliverAfter: 300 * time.Millisecond, RespondAfter: 300 * time.Millisecond,
		}))
		env.device = "meter-17"
		m.Seed(env.device, 40, 1)
		cfg, done = m.Config(), m.Close
		cfg.Auth = auth.IAMPassword(m.IAMConfig(), commandstest.IAMPassword)
		env.wait = 20 * time.Second
		env.poll = commands.WaitOptions{PollInitial: 100 * time.Millisecond, PollMax: 200 * time.Millisecond}
		fmt.Println("Huawei IoTDA: the embedded fake (no IOTCLIENT_IOTDA_* variable is set)")
	case err != nil:
		return env, done, err // names the variable to fix
	case env.device == "":
		return env, done, errors.New("IOTCLIENT_IOTDA_DEVICE_ID: set the device the command goes to")
	default:
		env.real = true
		fmt.Println("Huawei IoTDA:", cfg.Endpoint)
		if v := os.Getenv("IOTCLIENT_IOTDA_SERVICE_ID"); v != "" {
			env.command.ServiceID = v
		}
		if v := os.Getenv("IOTCLIENT_IOTDA_COMMAND"); v != "" {
			env.command.Name = v
		}
		if v := os.Getenv("IOTCLIENT_IOTDA_PARAS"); v != "" {
			env.command.Params = stdjson.RawMessage(v) // checked by Create: a JSON object of at most 32 KB
		}
		if v := os.Getenv("IOTCLIENT_IOTDA_WAIT"); v != "" {
			if env.wait, err = time.ParseDuration(v); err != nil {
				return env, done, fmt.Errorf("IOTCLIENT_IOTDA_WAIT: %w", err)
			}
		}
	}
	env.client, err = commands.NewClient(cfg) // reads are retried 3 times by default
	if err != nil {
		done()
	}
	return env, done, err
}

// params shows a command's parameters as the platform receives them.
func params(p any) string {
	if raw, ok := p.(jsontext.Value); ok {
		return string(raw)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Sprint(p)
	}
	return string(b)
}

func main() {
	yes := flag.Bool("yes", false, "send the command to the real platform (the fake needs no -yes)")
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	// -h prints the usage and exits 0, an unknown flag exits 2.
	if flag.Parse(); flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q", flag.Arg(0))
	}
	if err := run(*yes); err != nil {
		log.Fatal(err)
	}
}
