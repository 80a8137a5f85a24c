package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/clientstate/live"
)

// monitorViews are the flags of monitor's live views: --summary and
// --flapping.
type monitorViews struct {
	summary  bool
	flapping flappingFlag
	window   time.Duration
	refresh  time.Duration
}

func (m *monitorViews) register(fs *flag.FlagSet, c *common) {
	c.summarized, c.summaryFlags = m.on, "--summary and --flapping"
	fs.BoolVar(&m.summary, "summary", false, "instead of events, show clients by status and the disconnects of --window by cause, refreshed live")
	fs.Var(&m.flapping, "flapping", "instead of events, show the clients with at least N disconnects in a `WINDOW:N` (\"10m:5\"), refreshed live")
	fs.DurationVar(&m.window, "window", 10*time.Minute, "the `duration` whose disconnects --summary counts")
	fs.DurationVar(&m.refresh, "refresh", 2*time.Second, "redraw --summary or --flapping every `duration`")
}

func (m *monitorViews) on() bool { return m.summary || m.flapping.set }

func (m *monitorViews) validate() error {
	switch {
	case m.summary && m.flapping.set:
		return usagef("--summary and --flapping: choose one")
	case m.window <= 0:
		return usagef("--window %s: must be positive", m.window)
	case m.refresh <= 0:
		return usagef("--refresh %s: must be positive", m.refresh)
	}
	return nil
}

// flappingFlag is WINDOW:N, such as "10m:5".
type flappingFlag struct {
	set    bool
	window time.Duration
	n      int
}

func (f *flappingFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return f.window.String() + ":" + strconv.Itoa(f.n)
}

func (f *flappingFlag) Set(s string) error {
	w, n, ok := strings.Cut(s, ":")
	d, err := parseAgo(w)
	count, nerr := strconv.Atoi(n)
	if !ok || err != nil || d <= 0 || nerr != nil || count < 1 {
		return errors.New(`must be a window and a count of disconnects, such as "10m:5"`)
	}
	f.set, f.window, f.n = true, d, count
	return nil
}

// runMonitorView tracks the fleet (a REST snapshot kept current by the
// monitor's events) and redraws the chosen view every --refresh until ctx
// ends (--for, Ctrl-C), drawing it a last time then.
func runMonitorView(ctx context.Context, a *app, v *monitorArgs, mon *live.Monitor) error {
	client, err := a.stateClient(&v.common, &v.ibm)
	if err != nil {
		return err
	}
	keep := max(v.views.window, v.views.flapping.window, live.DefaultHistory)
	tr, err := live.NewTracker(client, mon, live.TrackerConfig{
		History: keep,
		OnError: func(err error) { fmt.Fprintf(a.stderr, "iotctl monitor: %s\n", a.clean(err.Error())) },
	})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	draw := func() error {
		if err := drawView(a.stdout, &v.views, &v.common, tr, isTerminal(a.stdout)); err != nil {
			return writeError(err)
		}
		return nil
	}
	ended := func(err error) error {
		if ctx.Err() == nil {
			return err // the snapshot failed, or the monitor stopped for good
		}
		return nil // --for passed, or Ctrl-C
	}
	select {
	case <-tr.Ready():
	case err := <-done:
		return ended(err)
	}
	tick := time.NewTicker(v.views.refresh)
	defer tick.Stop()
	for {
		if err := draw(); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case err := <-done:
			if err := ended(err); err != nil {
				return err
			}
			return draw()
		}
	}
}

// drawView prints the view once in the format of out; on a terminal a
// table replaces the last.
func drawView(w io.Writer, m *monitorViews, out *common, tr *live.Tracker, terminal bool) error {
	if out.format == formatTable && terminal {
		if _, err := io.WriteString(w, "\x1b[H\x1b[2J"); err != nil { // home, clear
			return err
		}
	}
	var err error
	if m.summary {
		err = trackerSummary(tr.Summary(m.window)).write(w, out)
	} else {
		err = writeFlapping(w, out, m.flapping, tr.Flapping(m.flapping.window, m.flapping.n), time.Now())
	}
	if err == nil && out.format == formatTable && !terminal {
		_, err = io.WriteString(w, "\n") // a blank line between successive views
	}
	return err
}

// trackerSummary is the tracker's summary as the summary view.
func trackerSummary(s live.Summary) *summaryView {
	v := &summaryView{At: s.At, Window: s.Window.String(), Clients: s.Clients, Disconnects: s.Disconnects,
		ByStatus: map[string]int{}, ByCause: map[string]int{}}
	for st, n := range s.ByStatus {
		v.ByStatus[statusName(st)] += n
	}
	for c, n := range s.ByCause {
		v.ByCause[string(c)] = n
	}
	return v
}

// flappingJSON is the --flapping view in JSON.
type flappingJSON struct {
	At             time.Time         `json:"at"`
	Window         string            `json:"window"`
	MinDisconnects int               `json:"min_disconnects"`
	Clients        []flappingClientJ `json:"clients"`
}

type flappingClientJ struct {
	ClientID    string         `json:"client_id"`
	Status      string         `json:"status"`
	Disconnects int            `json:"disconnects"`
	Last        time.Time      `json:"last"`
	ByCause     map[string]int `json:"by_cause"`
}

// writeFlapping prints the flapping clients, worst first, in the format of
// output.
func writeFlapping(w io.Writer, output *common, f flappingFlag, clients []live.FlappingClient, at time.Time) error {
	out := flappingJSON{At: at.UTC(), Window: f.window.String(), MinDisconnects: f.n, Clients: []flappingClientJ{}}
	for _, c := range clients {
		j := flappingClientJ{ClientID: c.ClientID, Status: statusName(c.Status), Disconnects: c.Disconnects, Last: c.Last, ByCause: map[string]int{}}
		for cause, n := range c.ByCause {
			j.ByCause[string(cause)] = n
		}
		out.Clients = append(out.Clients, j)
	}
	rows := [][]string{{"client_id", "status", "disconnects", "last", "causes"}}
	for _, c := range out.Clients {
		rows = append(rows, []string{c.ClientID, c.Status, strconv.Itoa(c.Disconnects), c.Last.Format(time.RFC3339Nano), causeList(c.ByCause, ' ')})
	}
	return writeView(w, output, out, rows, func(w io.Writer) error {
		tw := newTabWriter(w)
		fmt.Fprintf(tw, "clients with at least %d disconnects in %s, at %s\n", f.n, out.Window, out.At.Format(time.DateTime))
		fmt.Fprintf(tw, "CLIENT ID\tSTATUS\tDISCONNECTS\tLAST\tBY CAUSE\n")
		for _, c := range out.Clients {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", tableText(c.ClientID), tableText(c.Status), c.Disconnects, c.Last.Format(time.TimeOnly), tableText(causeList(c.ByCause, ' ')))
		}
		if len(out.Clients) == 0 {
			fmt.Fprintf(tw, "(none)\n")
		}
		return tw.Flush()
	})
}
