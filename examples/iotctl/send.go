package main

import (
	"cmp"
	"context"
	stdjson "encoding/json"
	"flag"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/notify"
)

var sendCommand = &subcommand[sendArgs]{
	commandInfo: commandInfo{
		name:     "send",
		synopsis: "send --device ID [--service S] [--name N] [--params JSON] [--strategy S] [--expire D] [--wait | --wait-push]",
		summary:  "deliver a command to a device, and wait for its outcome (Huawei IoTDA)",
		details: `It delivers the command and prints it as the platform recorded it. --wait
reads the command until its status is final (1s, 2s, 4s... apart, at most
--poll-max) and prints it then. --wait-push learns the outcome from the
notifications IoTDA forwards instead, as watch receives them (HTTP pushes on
--listen, or --amqp), and reads the command only when no final status was
pushed within --poll-max: it says on stderr which of the two told the
outcome. Against the embedded mock, commands reach their outcome within a
second (a REBOOT fails, a SELF_TEST times out) and the mock pushes each
change to the listener.`,
		examples: []string{
			"iotctl send --device " + demoDevice + " --service Switch --name ON_OFF --params '{\"value\":\"ON\"}' --wait-push",
			"iotctl send --device " + demoDeviceSmall + " --name REBOOT --wait --format jsonl",
			"iotctl send --device " + demoDevice + " --name ON_OFF --wait-push --amqp --amqp-host xxxx.st1.iotda-app.cn-north-4.myhuaweicloud.com",
		},
	},
	argHint: " (the device is --device ID)",
	flags: func(fs *flag.FlagSet, v *sendArgs) *common {
		v.common.registerBasic(fs)
		fs.DurationVar(&v.common.timeout, "timeout", defaultTimeout, "give up after this `duration` (0: no limit)")
		v.iotda.register(fs)
		fs.StringVar(&v.device, "device", "", "the device's `ID` (required)")
		fs.StringVar(&v.service, "service", "", "the command's `service` in the product model (default: none)")
		fs.StringVar(&v.name, "name", "", "the command's `name` (default: none)")
		fs.StringVar(&v.params, "params", "", "the command's parameters, a JSON `object` (default {})")
		fs.StringVar(&v.strategy, "strategy", "", "the delivery `strategy`: delay (cached until the device reports; the platform's default) or immediately")
		fs.DurationVar(&v.expire, "expire", 0, "how long the platform caches a delayed command, whole seconds up to 48h (`duration`; 0: 24h)")
		fs.BoolVar(&v.wait, "wait", false, "wait for the outcome, reading the command")
		fs.BoolVar(&v.waitPush, "wait-push", false, "wait for the outcome from pushed notifications, reading the command only as the fallback")
		fs.DurationVar(&v.pollMax, "poll-max", commands.DefaultPollMax, "the longest wait between two reads of the command; with --wait-push, how long a push may take")
		v.push.register(fs)
		return &v.common
	},
	run: runSend,
}

type sendArgs struct {
	common         common
	iotda          iotdaFlags
	push           pushFlags
	device         string
	service, name  string
	params         string
	strategy       string
	expire         time.Duration
	wait, waitPush bool
	pollMax        time.Duration
}

// sendColumns are the fields of a delivered command: those of the history,
// and the device's result.
var sendColumns = append(slices.Clone(historyColumns), column[commands.Command]{
	key: "result", title: "RESULT", get: func(c *commands.Command) cell { return rawJSON(c.Result) },
})

func runSend(ctx context.Context, a *app, v *sendArgs, _ []string) error {
	switch {
	case v.device == "":
		return usagef("--device is required")
	case v.wait && v.waitPush:
		return usagef("--wait reads the command, --wait-push learns from pushes: give one")
	case v.pollMax == 0:
		return usagef("--poll-max: must be more than 0")
	case !v.waitPush && (v.push.amqp || v.push.listen != defaultListen || v.push.path != "/"):
		return usagef("--listen, --path and --amqp say where pushes come from: only with --wait-push")
	}
	if err := v.push.validate(); err != nil {
		return err
	}
	cmd := commands.NewCommand{ServiceID: v.service, Name: v.name, Strategy: commands.SendStrategy(v.strategy), Expire: v.expire}
	if v.params != "" {
		if !stdjson.Valid([]byte(v.params)) {
			return usagef("--params %q: is not JSON (give an object, such as '{\"value\":\"ON\"}')", v.params)
		}
		cmd.Params = stdjson.RawMessage(v.params) // Create checks the rest: a JSON object of at most 32 KB
	}
	var reads *readCounter
	var opts []iotclient.Option
	if v.waitPush {
		reads = &readCounter{base: http.DefaultTransport}
		opts = append(opts, iotclient.WithHTTPClient(&http.Client{Transport: reads}))
	}
	mock, err := a.iotdaMock(&v.common, &v.iotda)
	if err != nil {
		return err
	}
	if mock && v.waitPush && v.push.amqp {
		return usagef("--amqp reads a real queue: the embedded mock pushes over HTTP only (leave out --amqp)")
	}
	client, err := a.commandsClient(&v.common, &v.iotda, opts...)
	if err != nil {
		return err
	}

	var watcher *commands.Watcher
	if v.waitPush {
		// The watcher listens before the command exists, so that none of
		// its pushes is missed.
		pctx, stop := context.WithCancel(ctx)
		src, err := a.openPushes(pctx, "send", &v.common, &v.push)
		if err != nil {
			stop()
			return err
		}
		switch {
		case mock:
			if err := a.mock.commands.PushTo(src.url); err != nil {
				stop()
				src.close()
				return err
			}
			fmt.Fprintf(a.stderr, "iotctl send: listening on %s, where the embedded mock pushes\n", src.url)
		case src.url != "":
			fmt.Fprintf(a.stderr, "iotctl send: listening on %s for Huawei IoTDA's HTTP pushes (a forwarding rule's HTTP action must point at it)\n", src.url)
		}
		watcher = &commands.Watcher{}
		ran := make(chan struct{})
		go func() {
			defer close(ran)
			_ = watcher.Run(notify.CommandUpdates(a.reportingStream("send", src.stream)))
		}()
		defer func() { stop(); src.close(); <-ran }()
	}

	created, err := client.Create(ctx, v.device, cmd)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "iotctl send: delivered command %s to %s: %s\n", a.clean(created.ID), v.device, a.clean(string(created.Status)))
	final := created
	if v.wait || v.waitPush {
		shown := created.Status
		final, err = client.Wait(ctx, v.device, created.ID, commands.WaitOptions{
			PollMax: v.pollMax,
			Watcher: watcher,
			OnStatus: func(c commands.Command) {
				if c.Status != shown {
					shown = c.Status
					fmt.Fprintf(a.stderr, "iotctl send: now %s\n", a.clean(string(c.Status)))
				}
			},
		})
		if err != nil {
			return err
		}
		if v.waitPush {
			a.sayHowLearnt(final, reads.n.Load())
		}
		// A push carries the status, the times and the result: the rest is
		// as the command was delivered.
		final.ServiceID = cmp.Or(final.ServiceID, created.ServiceID)
		final.Name = cmp.Or(final.Name, created.Name)
		final.SendStrategy = cmp.Or(final.SendStrategy, created.SendStrategy)
		final.Expire = cmp.Or(final.Expire, created.Expire)
		final.CreatedAt = cmp.Or(final.CreatedAt, created.CreatedAt)
		if final.Params == nil {
			final.Params = created.Params
		}
	}
	out := newSink(v.common.format, a.stdout, sendColumns, sinkOptions{vertical: true, csvRaw: v.common.csvRaw})
	if err := out.write(&final); err != nil {
		_ = out.close(true)
		return writeError(err)
	}
	if err := out.close(false); err != nil {
		return writeError(err)
	}
	return nil
}

// sayHowLearnt says on stderr whether a push or a read told the outcome.
func (a *app) sayHowLearnt(final commands.Command, reads int64) {
	status := a.clean(string(final.Status))
	if reads == 0 {
		fmt.Fprintf(a.stderr, "iotctl send: %s, learnt from a push (the command was not read)\n", status)
		return
	}
	fmt.Fprintf(a.stderr, "iotctl send: %s, learnt by reading the command (%d reads): no final status was pushed within --poll-max\n", status, reads)
}

// reportingStream passes the stream on, saying on stderr what goes wrong
// in it: the watcher then reads the command, as a lost push may hide its
// outcome.
func (a *app) reportingStream(name string, s iter.Seq2[notify.Notification, error]) iter.Seq2[notify.Notification, error] {
	return func(yield func(notify.Notification, error) bool) {
		for n, err := range s {
			if err != nil && !a.reportTransient(name, err) {
				fmt.Fprintf(a.stderr, "iotctl %s: the notifications stopped: %s\n", name, a.clean(err.Error()))
			}
			if !yield(n, err) {
				return
			}
		}
	}
}

// readCounter counts the reads of commands (GET .../async-commands/ID) on
// their way to the platform. send waits for the one command it created, so
// the count is that command's reads: none means a push told the outcome.
type readCounter struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (r *readCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/async-commands/") {
		r.n.Add(1)
	}
	return r.base.RoundTrip(req)
}
