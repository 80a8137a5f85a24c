package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// lastJSON decodes the JSON values of out, one after another, into a new
// T each, and returns how many there were and the last.
func lastJSON[T any](t *testing.T, out string) (n int, last T) {
	t.Helper()
	dec := jsontext.NewDecoder(strings.NewReader(out))
	for {
		var v T
		err := json.UnmarshalDecode(dec, &v)
		if errors.Is(err, io.EOF) {
			return n, last
		}
		if err != nil {
			t.Fatalf("view %d is not JSON: %v\n%s", n+1, err, out)
		}
		n, last = n+1, v
	}
}

func TestMonitorSummaryJSONL(t *testing.T) {
	r, m := withMock(t, "monitor", "--summary", "--for", "2500ms", "--refresh", "500ms", "--format", "jsonl")
	mustSucceed(t, r)
	n, got := lastJSON[struct {
		Window      string         `json:"window"`
		Clients     int            `json:"clients"`
		ByStatus    map[string]int `json:"by_status"`
		Disconnects int            `json:"disconnects"`
		ByCause     map[string]int `json:"by_cause"`
	}](t, r.stdout)
	if n < 2 || strings.Count(r.stdout, "\n") != n {
		t.Errorf("%d views, want one a line, refreshed:\n%s", n, r.stdout)
	}
	if got.Clients != len(m.live.States()) || got.Window != "10m0s" {
		t.Errorf("last view %+v: want every one of the mock's %d clients over 10m", got, len(m.live.States()))
	}
	sum, causes := 0, 0
	for _, c := range got.ByStatus {
		sum += c
	}
	for _, c := range got.ByCause {
		causes += c
	}
	if sum != got.Clients || causes != got.Disconnects {
		t.Errorf("counts do not add up: %+v", got)
	}
	// The flapping demo device was kicked off by a client-ID reuse two
	// minutes before the start, and keeps flapping.
	if got.ByCause["DUPLICATE_CLIENTID"] == 0 {
		t.Errorf("no client-ID reuse in the window: %+v", got)
	}
}

func TestMonitorFlapping(t *testing.T) {
	r := cli(t, "monitor", "--flapping", "10m:3", "--for", "4s", "--refresh", "1s", "--format", "json")
	mustSucceed(t, r)
	type client struct {
		ClientID    string         `json:"client_id"`
		Disconnects int            `json:"disconnects"`
		ByCause     map[string]int `json:"by_cause"`
	}
	n, got := lastJSON[struct {
		Window         string   `json:"window"`
		MinDisconnects int      `json:"min_disconnects"`
		Clients        []client `json:"clients"`
	}](t, r.stdout)
	if n < 2 || got.Window != "10m0s" || got.MinDisconnects != 3 {
		t.Fatalf("%d views, last %+v", n, got)
	}
	var flapper *client
	for i, c := range got.Clients {
		if c.Disconnects < 3 {
			t.Errorf("%s has %d disconnects, fewer than 3", c.ClientID, c.Disconnects)
		}
		if i > 0 && c.Disconnects > got.Clients[i-1].Disconnects {
			t.Errorf("not worst first: %+v", got.Clients)
		}
		if c.ClientID == demoFlapperClientID {
			flapper = &got.Clients[i]
		}
	}
	if flapper == nil {
		t.Fatalf("the flapping demo device is not listed:\n%s", r.stdout)
	}
	if flapper.ByCause["DUPLICATE_CLIENTID"] == 0 || flapper.ByCause["MQTT_KEEP_ALIVE_TIMEOUT"] == 0 {
		t.Errorf("the flapper's causes: %v", flapper.ByCause)
	}
}

func TestMonitorFlappingTable(t *testing.T) {
	r := cli(t, "monitor", "--flapping", "10m:2", "--for", "3s", "--refresh", "1s")
	mustSucceed(t, r)
	views := strings.Split(strings.TrimSpace(r.stdout), "\n\n")
	last := views[len(views)-1]
	if len(views) < 2 || !strings.HasPrefix(last, "clients with at least 2 disconnects in 10m0s") ||
		!strings.Contains(last, "CLIENT ID") || !strings.Contains(last, demoFlapperClientID) ||
		!strings.Contains(last, "DUPLICATE_CLIENTID=") {
		t.Errorf("want refreshed views listing the flapper:\n%s", r.stdout)
	}
}

func TestMonitorViewUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"monitor", "--flapping", "10m"},
		{"monitor", "--flapping", "10m:0"},
		{"monitor", "--flapping", "soon:5"},
		{"monitor", "--summary", "--flapping", "10m:5"},
		{"monitor", "--summary", "--window", "0s"},
		{"monitor", "--summary", "--refresh", "-1s"},
		{"monitor", "--format", "json"},
	} {
		r := cli(t, args...)
		if r.code != exitUsage || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, want a usage error\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
}
