package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/pagination"
)

var logsCommand = &subcommand[logsArgs]{
	commandInfo: commandInfo{
		name:     "logs",
		synopsis: "logs --type T --device D [--from T [--to T]] [--limit N]",
		summary:  "a device's connection log, newest first (IBM Watson IoT)",
		details: `Times are RFC 3339, a date, or a duration before now ("24h", "7d"); --to
defaults to now when --from is given. The API reaches at most 1,020 entries
of a log: narrow a longer one with --from and --to.`,
		examples: []string{
			"iotctl logs --type " + demoType + " --device " + demoIBMID,
			"iotctl logs --type " + demoPumpType + " --device " + demoPumpID + " --from 24h --format csv",
		},
	},
	argHint: " (the device is --type T --device D)",
	flags: func(fs *flag.FlagSet, v *logsArgs) *common {
		v.common.register(fs, defaultTimeout)
		v.ibm.register(fs, true)
		fs.StringVar(&v.typ, "type", "", "the device `type` (required)")
		fs.StringVar(&v.device, "device", "", "the device `ID` (required)")
		fs.Var(&v.from, "from", "keep entries after this `time`")
		fs.Var(&v.to, "to", "keep entries before this `time` (default: now, with --from)")
		fs.IntVar(&v.limit, "limit", 0, "stop after `N` entries (0: all)")
		return &v.common
	},
	run: runLogs,
}

type logsArgs struct {
	common   common
	ibm      ibmFlags
	typ      string
	device   string
	from, to timeFlag
	limit    int
}

func runLogs(ctx context.Context, a *app, v *logsArgs, _ []string) error {
	switch {
	case v.typ == "" || v.device == "":
		return usagef("--type and --device are required")
	case !v.to.t.IsZero() && v.from.t.IsZero():
		return usagef("--to needs --from")
	}
	q := clientstate.LogQuery{From: v.from.t, To: v.to.t}
	if !q.From.IsZero() && q.To.IsZero() {
		q.To = time.Now()
	}
	if v.limit > 0 {
		q.Limit = min(v.limit, clientstate.MaxLogLimit)
	}
	client, err := a.stateClient(&v.common, &v.ibm)
	if err != nil {
		return err
	}
	out := newSink(v.common.format, a.stdout, logColumns, sinkOptions{csvRaw: v.common.csvRaw})
	prog := a.newProgress(v.common.progress, "log entries")
	n, err := export(client.ConnectionLogs(ctx, v.typ, v.device, q), out, prog, v.limit, func(err error) error {
		if errors.Is(err, pagination.ErrOffsetLimit) {
			return fmt.Errorf("%w: the log goes on beyond the %d entries the API can reach; narrow it with --from and --to",
				err, clientstate.MaxLogOffset+clientstate.MaxLogLimit)
		}
		return err
	})
	if err == nil && n == 0 && v.common.format == formatTable {
		fmt.Fprintf(a.stderr, "iotctl: no log entries for %s/%s\n", v.typ, v.device)
	}
	return err
}
