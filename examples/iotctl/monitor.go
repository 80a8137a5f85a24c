package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// mockFlapInterval is how often the embedded mock's fleet changes while a
// monitor watches it.
const mockFlapInterval = 500 * time.Millisecond

var monitorCommand = &subcommand[monitorArgs]{
	commandInfo: commandInfo{
		name:     "monitor",
		synopsis: "monitor [--type T] [--device D] [--watch-app A] [--for D] [--events N] [--live-only]",
		summary:  "live connection status events over MQTT (IBM Watson IoT)",
		details: `It subscribes to the platform's status topics and prints each event as it
arrives: first the retained state of every watched device (its last Connect
or Disconnect; RETAINED yes), then live changes. It runs until --for has
passed, --events events were printed, or Ctrl-C, and then exits with status
0, or 1 when it never reached the broker. Lost connections are reported on
stderr and retried. Against the
embedded mock, a simulated fleet changes every half second.`,
		examples: []string{
			"iotctl monitor --for 10s",
			"iotctl monitor --type " + demoType + " --live-only --events 5 --format jsonl",
			"iotctl monitor --summary --window 1h",
			"iotctl monitor --flapping 10m:5",
		},
	},
	flags: func(fs *flag.FlagSet, v *monitorArgs) *common {
		v.common.registerBasic(fs)
		fs.DurationVar(&v.connectTimeout, "timeout", 0, "bound each connection attempt to this `duration` (default 30s)")
		v.ibm.register(fs, false)
		fs.StringVar(&v.broker, "broker", "", "MQTT broker `URL`, overriding the one of --org and --domain (ssl://host:8883, wss://host:443/path)")
		fs.StringVar(&v.appID, "app-id", "", "connect as application a:{org}:`ID` (default: a random ID; give each running monitor its own)")
		fs.StringVar(&v.typ, "type", "", "watch devices of this device `type` (default: every type)")
		fs.StringVar(&v.device, "device", "", "watch devices with this device `ID` (default: every device)")
		fs.StringVar(&v.watchApp, "watch-app", "", "watch this application's status instead (`ID`, or + for every application)")
		fs.DurationVar(&v.forDur, "for", 0, "stop after this `duration` (0: until Ctrl-C)")
		fs.IntVar(&v.events, "events", 0, "stop after `N` events (0: no limit)")
		fs.BoolVar(&v.liveOnly, "live-only", false, "skip the retained state: print only changes from now on")
		v.views.register(fs, &v.common)
		return &v.common
	},
	run: runMonitor,
}

type monitorArgs struct {
	common         common
	ibm            ibmFlags
	connectTimeout time.Duration
	broker         string
	appID          string
	typ, device    string
	watchApp       string
	forDur         time.Duration
	events         int
	liveOnly       bool
	views          monitorViews // --summary, --flapping
}

func runMonitor(ctx context.Context, a *app, v *monitorArgs, _ []string) error {
	switch {
	case v.watchApp != "" && (v.typ != "" || v.device != ""):
		return usagef("--watch-app watches applications: leave out --type and --device")
	}
	// connected notes that the monitor reached the broker at least once:
	// a run that never did failed, even when --for ended it.
	connected := false
	var lastErr error
	if err := v.views.validate(); err != nil {
		return err
	}
	sub := live.DeviceStatus(v.typ, v.device)
	if v.watchApp != "" {
		sub = live.AppStatus(v.watchApp)
	}
	cfg := live.Config{
		AppID:          v.appID,
		Subscriptions:  []live.Subscription{sub},
		ConnectTimeout: v.connectTimeout,
		OnConnect: func(ci live.ConnectInfo) {
			connected = true // called from the goroutine ranging over Events
			verb := "connected"
			if ci.Reconnect() {
				verb = "reconnected"
			}
			fmt.Fprintf(a.stderr, "iotctl monitor: %s to %s as %s, watching %s\n", verb, ci.Broker, ci.ClientID, strings.Join(ci.Topics, " "))
		},
	}
	env, mock, err := a.liveConfig(&v.common, &v.ibm)
	if err != nil {
		return err
	}
	if mock {
		if v.broker != "" {
			return usagef("--broker needs the platform's credentials ($%s and $%s); without them the embedded mock serves", envIBMAPIKey, envIBMAPIToken)
		}
		m, err := a.startMock(v.common.mock, "--org, --api-key or $"+envIBMAPIKey).liveFake()
		if err != nil {
			return err
		}
		defer m.Simulate(mockFlapInterval)()
		defer m.SimulateFlapping(demoFlapperClientID, mockFlapperInterval)()
		fake := m.LiveConfig()
		cfg.OrgID, cfg.Broker, cfg.Auth = fake.OrgID, fake.Broker, fake.Auth
	} else {
		cfg.OrgID, cfg.Domain, cfg.Auth, cfg.Broker = env.OrgID, env.Domain, env.Auth, v.broker
		where := cmp.Or(shownURL(v.broker), "ssl://"+env.OrgID+".messaging."+cmp.Or(env.Domain, clientstate.DefaultDomain))
		a.talkingTo("IBM Watson IoT organization " + env.OrgID + " at " + where)
	}
	mon, err := live.NewMonitor(cfg, a.logOptions(&v.common)...)
	if err != nil {
		return err
	}

	if v.forDur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, v.forDur)
		defer cancel()
	}
	if v.views.on() {
		return runMonitorView(ctx, a, v, mon)
	}
	// A streamed table cannot measure its rows first: the client ID column
	// is as wide as the longest ID the subscription can deliver.
	cols := slices.Clone(eventColumns)
	for i := range cols {
		switch {
		case cols[i].key == "client_id":
			cols[i].width = clientIDWidth(cfg.OrgID, v.typ, v.device, v.watchApp)
		case cols[i].key == "reason" && cols[i].tableOnly:
			cols[i].width = reasonWidth()
		}
	}
	out := newSink(v.common.format, a.stdout, cols, sinkOptions{stream: true, csvRaw: v.common.csvRaw})
	n := 0
	err = func() error {
		for ev, err := range mon.Events(ctx) {
			if err != nil {
				if live.IsTransient(err) { // a bad message, or reconnecting
					fmt.Fprintf(a.stderr, "iotctl monitor: %s\n", a.clean(err.Error()))
					lastErr = err
					continue
				}
				return err
			}
			if v.liveOnly && ev.Retained {
				continue
			}
			if err := out.write(&ev); err != nil {
				return writeError(err)
			}
			if n++; n == v.events {
				break
			}
		}
		return nil // the context ended the stream: --for passed, or Ctrl-C
	}()
	if cerr := out.close(err != nil); err == nil && cerr != nil {
		err = writeError(cerr)
	}
	if err == nil && !connected {
		return neverConnected(cfg, lastErr)
	}
	return err
}

// neverConnected is the error of a monitor that ended without ever
// reaching the broker; the failed attempts were reported on stderr as
// they happened.
func neverConnected(cfg live.Config, last error) error {
	where := cfg.Broker
	if where == "" {
		where = "the platform's broker"
	}
	if last == nil {
		return fmt.Errorf("never connected to %s (raise --for, or --timeout for each attempt)", where)
	}
	return fmt.Errorf("never connected to %s\n  hint: check --broker, or --org and --domain, and that the network lets MQTT through (port 8883, or 443 with wss://)", where)
}

// clientIDWidth is the length of the longest client ID a subscription can
// deliver: d:{org}:{type}:{device} or a:{org}:{app} (A:{org}:{app}:{instance}
// for scalable applications), each part at most 36 characters; an
// organization ID has 6.
func clientIDWidth(org, typ, device, watchApp string) int {
	part := func(s string) int {
		if s == "" || s == "+" {
			return maxIDPart
		}
		return len(s)
	}
	orgLen := len(org)
	if orgLen == 0 {
		orgLen = 6
	}
	if watchApp != "" {
		return len("A:") + orgLen + 1 + part(watchApp) + 1 + maxIDPart
	}
	return len("d:") + orgLen + 1 + part(typ) + 1 + part(device)
}

// maxIDPart is the longest type, device, application or instance ID the
// platform allows.
const maxIDPart = 36

// reasonWidth is the length of the longest close code text the table
// shows.
func reasonWidth() int {
	w := 0
	for code := range 1000 {
		w = max(w, utf8.RuneCountInString(live.CloseCodeText(code)))
	}
	return w
}
