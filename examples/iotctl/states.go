package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// stateColumns are the fields of a client's connection state.
var stateColumns = []column[clientstate.State]{
	{key: "client_id", title: "CLIENT ID", table: true, get: func(s *clientstate.State) cell { return text(s.ClientID) }},
	{key: "client_type", title: "TYPE", table: true, get: func(s *clientstate.State) cell { return text(string(s.ClientType)) }},
	{key: "status", title: "STATUS", table: true, get: func(s *clientstate.State) cell { return text(string(s.Status)) }},
	{key: "last_connected", title: "LAST CONNECTED", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastConnected) }},
	{key: "last_disconnected", title: "LAST DISCONNECTED", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastDisconnected) }},
	{key: "last_activity", title: "LAST ACTIVITY", table: true, get: func(s *clientstate.State) cell { return stamp(s.LastActivity) }},
	{key: "last_activity_event", title: "LAST EVENT", get: func(s *clientstate.State) cell { return optText(string(s.LastActivityEvent)) }},
	{key: "protocol", title: "PROTOCOL", get: func(s *clientstate.State) cell { return optText(s.Protocol) }},
	{key: "disconnected_by", title: "BY", table: true, get: func(s *clientstate.State) cell { return optText(string(s.DisconnectedBy)) }},
	{key: "disconnect_reason_code", title: "CODE", table: true, get: func(s *clientstate.State) cell {
		return optNumber(int64(s.DisconnectReasonCode), s.HasDisconnectReasonCode)
	}},
	{key: "disconnect_reason", title: "REASON", table: true, get: func(s *clientstate.State) cell {
		if !s.HasDisconnectReasonCode {
			return optText("")
		}
		return text(live.CloseCodeText(s.DisconnectReasonCode))
	}},
	{key: "extra", title: "OTHER FIELDS", get: func(s *clientstate.State) cell { return rawJSON(extraJSON(s.Extra)) }},
}

// extraJSON is the fields the SDK does not model, as one JSON object (nil
// when there are none).
func extraJSON(extra map[string]jsontext.Value) json.RawMessage {
	if len(extra) == 0 {
		return nil
	}
	b, err := json.Marshal(extra) // sorted keys
	if err != nil {
		return nil
	}
	return b
}

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
	common: func(v *statesArgs) *common { return &v.common },
	flags: func(fs *flag.FlagSet, v *statesArgs) {
		v.common.register(fs, defaultTimeout)
		v.ibm.register(fs, true)
		fs.StringVar(&v.status, "status", "", "keep only `connected` or disconnected clients")
		fs.StringVar(&v.typ, "type", "", "keep only devices and gateways of this device `type`")
		fs.StringVar(&v.device, "device", "", "keep only devices and gateways with this device `ID`")
		fs.Var(&v.connectedAfter, "connected-after", "keep only clients that last connected after this `time`")
		fs.Var(&v.sort, "sort", "order by these `fields` (\"-lastActivityTime\": most recent first)")
		fs.IntVar(&v.limit, "limit", 0, "stop after `N` clients (0: all)")
		fs.StringVar(&v.bookmark, "bookmark", "", "resume a listing from this `bookmark` (from a stopped export, with the same filters)")
		registerStatesSummary(fs, v)
	},
	run: runStates,
}

type statesArgs struct {
	common         common
	ibm            ibmFlags
	status         string
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

func runStates(ctx context.Context, a *app, v *statesArgs, pos []string) error {
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q (for one client: iotctl state CLIENT_ID)", pos[0])
	case v.common.format == formatJSON && !v.summary:
		return usagef("--format json: use table, jsonl or csv (json is for --summary)")
	}
	status := clientstate.ConnectionStatus(strings.ToLower(v.status))
	if status != "" && !status.Known() {
		return usagef("--status %q: use connected or disconnected", v.status)
	}
	q := clientstate.ListQuery{
		Status:         status,
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
	out := newSink(v.common.format, a.stdout, stateColumns, sinkOptions{})
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
	common: func(v *stateArgs) *common { return &v.common },
	flags: func(fs *flag.FlagSet, v *stateArgs) {
		v.common.register(fs, defaultTimeout)
		v.ibm.register(fs, true)
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
	out := newSink(v.common.format, a.stdout, stateColumns, sinkOptions{vertical: true})
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
