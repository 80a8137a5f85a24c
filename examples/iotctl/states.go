package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/iotclient/iotclient-go/clientstate"
)

// ---- states

var statesCommand = &subcommand[statesArgs]{
	commandInfo: commandInfo{
		name:     "states",
		synopsis: "states [--status connected|disconnected] [--type T] [--device D] [--connected-after T] [--sort F] [--limit N] [--bookmark B]",
		summary:  "the connection states of all clients, with filters (IBM Watson IoT)",
		details: `--type and --device match the type and device parts of device and gateway
client IDs. --connected-after takes RFC 3339, a date, or a duration before
now ("2h"). --sort takes field names (lastActivityTime, lastConnectTime,
lastDisconnectTime, id, ...), '-' in front for descending; repeat it or
separate fields with commas. An export that stops early (--limit,
--timeout, Ctrl-C, an error) prints on stderr the --bookmark that resumes
it; give it with the same filters and sort.`,
		examples: []string{
			"iotctl states --status connected --sort -lastActivityTime --limit 20",
			"iotctl states --status disconnected --connected-after 7d --format csv > dropped.csv",
			"iotctl states --type " + demoType + " --format jsonl",
			"iotctl states --summary",
		},
	},
	argHint: " (for one client: iotctl state CLIENT_ID)",
	flags: func(fs *flag.FlagSet, v *statesArgs) *common {
		v.common.register(fs, defaultTimeout)
		v.ibm.register(fs, true)
		enumFlag(fs, &v.status, "status", "keep only `connected` or disconnected clients", strings.ToLower, "use connected or disconnected")
		fs.StringVar(&v.typ, "type", "", "keep only devices and gateways of this device `type`")
		fs.StringVar(&v.device, "device", "", "keep only devices and gateways with this device `ID`")
		fs.Var(&v.connectedAfter, "connected-after", "keep only clients that last connected after this `time`")
		fs.Var(&v.sort, "sort", "order by these `fields` (\"-lastActivityTime\": most recent first)")
		fs.IntVar(&v.limit, "limit", 0, "stop after `N` clients (0: all)")
		fs.StringVar(&v.bookmark, "bookmark", "", "resume a listing from this `bookmark` (from a stopped export, with the same filters)")
		registerStatesSummary(fs, v)
		return &v.common
	},
	run: runStates,
}

type statesArgs struct {
	common         common
	ibm            ibmFlags
	status         clientstate.ConnectionStatus
	typ            string
	device         string
	connectedAfter timeFlag
	sort           listFlag
	limit          int
	bookmark       string
	summary        bool
}

// listFlag collects comma-separated values from one or more flags.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

func runStates(ctx context.Context, a *app, v *statesArgs, _ []string) error {
	q := clientstate.ListQuery{
		Status:         v.status,
		DeviceType:     v.typ,
		DeviceID:       v.device,
		ConnectedAfter: v.connectedAfter.t,
		Sort:           v.sort,
		Bookmark:       v.bookmark,
	}
	if v.limit > 0 {
		q.PageSize = min(v.limit, clientstate.MaxPageSize)
	}
	client, err := a.stateClient(&v.common, &v.ibm)
	if err != nil {
		return err
	}
	if v.summary {
		return writeStatesSummary(ctx, a, v, client, q)
	}
	out := newSink(v.common.format, a.stdout, stateColumns, sinkOptions{csvRaw: v.common.csvRaw})
	prog := a.newProgress(v.common.progress, "client states")
	var resume bookmarkPager
	n, err := export(resume.list(ctx, client, q), out, prog, v.limit, nil)
	if (err != nil && !isUsage(err)) || (v.limit > 0 && n == v.limit) {
		resume.hint(a.stderr, n)
	}
	if err == nil && n == 0 && v.common.format == formatTable {
		fmt.Fprintln(a.stderr, "iotctl: no client matches")
	}
	return err
}

// ---- state

var stateCommand = &subcommand[stateArgs]{
	commandInfo: commandInfo{
		name:     "state",
		aliases:  []string{"get"},
		synopsis: "state CLIENT_ID...",
		summary:  "one client's connection state (IBM Watson IoT); alias: get",
		details: `CLIENT_ID is the client's full MQTT client ID: d:{org}:{type}:{device} for a
device, g:... for a gateway, a:{org}:{app} or A:{org}:{app}[:{instance}] for
an application. The table shows every field, one a line.`,
		examples: []string{
			"iotctl state " + demoClientID,
			"iotctl get " + demoPumpClientID + " --format jsonl",
		},
	},
	takesArgs: true,
	flags: func(fs *flag.FlagSet, v *stateArgs) *common {
		v.common.register(fs, defaultTimeout)
		v.ibm.register(fs, true)
		return &v.common
	},
	run: runState,
}

type stateArgs struct {
	common common
	ibm    ibmFlags
}

func runState(ctx context.Context, a *app, v *stateArgs, ids []string) error {
	if len(ids) == 0 {
		return usagef("a CLIENT_ID is required, such as %s", demoClientID)
	}
	for _, id := range ids {
		if _, err := clientstate.ParseClientID(id); err != nil {
			return err // before starting a server or sending a request
		}
	}
	client, err := a.stateClient(&v.common, &v.ibm)
	if err != nil {
		return err
	}
	out := newSink(v.common.format, a.stdout, stateColumns, sinkOptions{vertical: true, csvRaw: v.common.csvRaw})
	err = func() error {
		for _, id := range ids {
			st, err := client.Get(ctx, id)
			if err != nil {
				return err
			}
			if err := out.write(&st); err != nil {
				return writeError(err)
			}
		}
		return nil
	}()
	if cerr := out.close(err != nil); err == nil && cerr != nil {
		err = writeError(cerr)
	}
	return err
}
