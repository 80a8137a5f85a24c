package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/commands"
)

var watchCommand = &subcommand[watchArgs]{
	commandInfo: commandInfo{
		name:     "watch",
		synopsis: "watch [--listen ADDR] [--path P] [--amqp ...] [--wait N] [--for D]",
		summary:  "the notifications IoTDA forwards: command and device status changes (Huawei IoTDA)",
		details: `It receives what a data forwarding rule sends (device.command.status,
device.status, and every other resource with its body) and prints each as it
arrives, until --wait notifications were printed, --for has passed, or
Ctrl-C. Duplicates and changes older than one already printed, which an
at-least-once channel brings, are left out.

By default it listens for HTTP pushes on --listen and prints the URL on
stderr: point the rule's HTTP action at that address as the platform reaches
it. Against the embedded mock, the mock pushes there while it delivers demo
commands and moves demo devices online and offline. With --amqp it reads the
instance's AMQP queue instead, printing the same rows: the address, access
key and queue from the flags or
  $` + envAMQPHost + `, $` + envAMQPAccessKey + `, $` + envAMQPQueue + `,
the access code from $` + envAMQPAccessCode + ` only.`,
		examples: []string{
			"iotctl watch --wait 5",
			"iotctl watch --format jsonl --for 1m",
			"iotctl watch --listen 0.0.0.0:8443 --path /iotda-7f3a9c",
			"iotctl watch --amqp --amqp-host xxxx.st1.iotda-app.cn-north-4.myhuaweicloud.com --amqp-access-key AK7xQ2pL",
		},
	},
	flags: func(fs *flag.FlagSet, v *watchArgs) *common {
		v.common.registerBasic(fs)
		v.iotda.register(fs)
		v.push.register(fs)
		fs.IntVar(&v.wait, "wait", 0, "stop after `N` notifications (0: no limit)")
		fs.DurationVar(&v.forDur, "for", 0, "stop after this `duration` (0: until Ctrl-C)")
		return &v.common
	},
	run: runWatch,
}

type watchArgs struct {
	common common
	iotda  iotdaFlags
	push   pushFlags
	wait   int
	forDur time.Duration
}

func runWatch(ctx context.Context, a *app, v *watchArgs, _ []string) error {
	if err := v.push.validate(); err != nil {
		return err
	}
	if v.forDur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, v.forDur)
		defer cancel()
	}
	// The demo activity and the stream end with the loop.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mock := false
	if !v.push.amqp {
		var err error
		if mock, err = a.iotdaMock(&v.common, &v.iotda); err != nil {
			return err
		}
	}
	// The stream stops on its own context once --wait is reached, so that
	// the loop can go on: an AMQP message is acknowledged only then.
	sctx, stopStream := context.WithCancel(ctx)
	defer stopStream()
	src, err := a.openPushes(sctx, "watch", &v.common, &v.push)
	if err != nil {
		return err
	}
	defer src.close()
	if mock {
		client, err := a.commandsClient(&v.common, &v.iotda)
		if err != nil {
			return err
		}
		if err := a.mock.commands.PushTo(src.url); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "iotctl watch: listening on %s; the embedded mock pushes there as it delivers demo commands and moves devices online and offline\n", src.url)
		played := make(chan struct{})
		go func() {
			defer close(played)
			if err := a.mock.playActivity(ctx, client); err != nil && ctx.Err() == nil {
				fmt.Fprintf(a.stderr, "iotctl watch: the demo activity stopped: %s\n", a.clean(err.Error()))
			}
		}()
		defer func() { cancel(); <-played }()
	} else if src.url != "" {
		fmt.Fprintf(a.stderr, "iotctl watch: listening on %s for Huawei IoTDA's HTTP pushes (point a forwarding rule's HTTP action at it)\n", src.url)
	}

	out := newSink(v.common.format, a.stdout, notificationColumns, sinkOptions{stream: true, csvRaw: v.common.csvRaw})
	n := 0
	err = func() error {
		for note, err := range src.stream {
			if v.wait > 0 && n == v.wait {
				break // one after the last: not acknowledged, so the next reader gets it
			}
			if err != nil {
				if a.reportTransient("watch", err) {
					continue
				}
				return err
			}
			row := rowOf(&note)
			if err := out.write(&row); err != nil {
				return writeError(err)
			}
			if n++; n == v.wait {
				stopStream() // the loop goes on, acknowledging this one, and the stream ends
			}
		}
		return nil // the context ended the stream: --for passed, or Ctrl-C
	}()
	if cerr := out.close(err != nil); err == nil && cerr != nil {
		err = writeError(cerr)
	}
	return err
}

// iotdaMock reports whether the embedded mock stands for IoTDA: --mock, or
// none of the platform's variables set (the flags standing for theirs), by
// the rule of commands.ConfigFromEnv. An incomplete configuration is an
// error naming the variable, never a silent fallback to the mock.
func (a *app) iotdaMock(c *common, f *iotdaFlags) (bool, error) {
	_, mock, err := platformConfig(a, c, f.ak, f.env(), commands.ConfigFromEnv)
	return mock, err
}
