package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/iotclient/iotclient-go/commands"
)

var historyCommand = &subcommand[historyArgs]{
	commandInfo: commandInfo{
		name:     "history",
		synopsis: "history --device ID [--status S] [--name N] [--since T] [--until T] [--limit N] [--marker ID]",
		summary:  "a device's command history, newest first (Huawei IoTDA)",
		details: `Times (--since, --until) are RFC 3339 ("2024-06-01T12:00:00Z"), a date
("2024-06-01", midnight UTC) or a duration before now ("48h", "7d").
--status is one of PENDING, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT,
EXPIRED (any case). jsonl and csv have every field a history record has
(the platform's history has no paras or result); the table a summary.
An export that stops early (--limit, --timeout, Ctrl-C, an error) prints on
stderr the --marker that resumes after the last command written.`,
		examples: []string{
			"iotctl history --device " + demoDevice + " --status FAILED --format csv",
			"iotctl history --device " + demoDeviceBig + " --since 48h --format jsonl > recent.jsonl",
			"iotctl history --device " + demoDevice + " --name REBOOT --limit 5",
			"iotctl history --device " + demoDeviceBig + " --limit 100 --format jsonl > part1.jsonl",
			"iotctl history --device " + demoDeviceBig + " --marker ID --format jsonl > part2.jsonl",
		},
	},
	argHint: " (the device is --device ID)",
	flags: func(fs *flag.FlagSet, v *historyArgs) *common {
		v.common.register(fs, defaultTimeout)
		v.iotda.register(fs)
		fs.StringVar(&v.device, "device", "", "the device's `ID` (required)")
		enumFlag(fs, &v.status, "status", "keep only commands in this `status`", strings.ToUpper,
			"use PENDING, SENT, DELIVERED, SUCCESSFUL, FAILED, TIMEOUT or EXPIRED")
		fs.StringVar(&v.name, "name", "", "keep only commands with this command `name`")
		fs.Var(&v.since, "since", "keep commands created at or after this `time`")
		fs.Var(&v.until, "until", "keep commands created at or before this `time`")
		fs.IntVar(&v.limit, "limit", 0, "stop after `N` commands (0: all)")
		fs.StringVar(&v.marker, "marker", "", "resume after the command with this `ID` (from a stopped export)")
		return &v.common
	},
	run: runHistory,
}

type historyArgs struct {
	common common
	iotda  iotdaFlags
	device string
	status commands.Status
	name   string
	since  timeFlag
	until  timeFlag
	limit  int
	marker string
}

func runHistory(ctx context.Context, a *app, v *historyArgs, _ []string) error {
	switch {
	case v.device == "":
		return usagef("--device is required")
	}
	q := commands.HistoryQuery{
		Status:      v.status,
		CommandName: v.name,
		Since:       v.since.t,
		Until:       v.until.t,
		Marker:      v.marker,
	}
	if v.limit > 0 {
		q.PageSize = min(v.limit, commands.MaxPageSize) // no bigger page than needed
	}
	client, err := a.commandsClient(&v.common, &v.iotda)
	if err != nil {
		return err
	}
	out := newSink(v.common.format, a.stdout, historyColumns, sinkOptions{csvRaw: v.common.csvRaw})
	prog := a.newProgress(v.common.progress, "commands")
	var resume markerTracker
	n, err := export(resume.track(client.History(ctx, v.device, q)), out, prog, v.limit, nil)
	if (err != nil && !isUsage(err)) || (v.limit > 0 && n == v.limit) {
		resume.hint(a.stderr, n)
	}
	if err == nil && n == 0 && v.common.format == formatTable {
		fmt.Fprintf(a.stderr, "iotctl: no commands of device %s match\n", v.device)
	}
	return err
}
