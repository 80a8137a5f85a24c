package main

import (
	"strconv"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/clientstate"
)

// wantSummary counts the mock's clients as states --summary must.
func wantSummary(states []clientstate.State) (byStatus, byCause map[string]int) {
	byStatus, byCause = map[string]int{}, map[string]int{}
	for _, st := range states {
		byStatus[string(st.Status)]++
		if st.Status != clientstate.StatusDisconnected {
			continue
		}
		byCause[string(st.Cause())]++
	}
	return byStatus, byCause
}

func TestStatesSummaryJSON(t *testing.T) {
	r, m := withMock(t, "states", "--summary", "--format", "json")
	mustSucceed(t, r)
	var got struct {
		Clients     int            `json:"clients"`
		ByStatus    map[string]int `json:"by_status"`
		Disconnects int            `json:"disconnects"`
		ByCause     map[string]int `json:"by_cause"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, r.stdout)
	}
	all := m.states.States()
	byStatus, byCause := wantSummary(all)
	if got.Clients != len(all) || !equalCounts(got.ByStatus, byStatus) || !equalCounts(got.ByCause, byCause) {
		t.Errorf("summary %+v, want %d clients, %v, %v", got, len(all), byStatus, byCause)
	}
	if got.Disconnects != byStatus[string(clientstate.StatusDisconnected)] {
		t.Errorf("%d disconnects counted, %d clients disconnected", got.Disconnects, byStatus[string(clientstate.StatusDisconnected)])
	}
	for _, cause := range []string{"MQTT_KEEP_ALIVE_TIMEOUT", "CLIENT_INITIATED_DISCONNECT", "CONNECTION_LOST", "SERVER_INITIATED_DISCONNECT"} {
		if got.ByCause[cause] == 0 {
			t.Errorf("the demo fleet has no %s: %v", cause, got.ByCause)
		}
	}
	// A reused client ID (288) leaves a client connected: it never
	// explains why one is offline.
	if n := got.ByCause["DUPLICATE_CLIENTID"]; n != 0 {
		t.Errorf("%d disconnected clients blamed on DUPLICATE_CLIENTID: %v", n, got.ByCause)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

func TestStatesSummaryTable(t *testing.T) {
	r, m := withMock(t, "states", "--summary")
	mustSucceed(t, r)
	byStatus, byCause := wantSummary(m.states.States())
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(lines[0], "STATUS ") {
		t.Fatalf("no STATUS header:\n%s", r.stdout)
	}
	row := func(name string) []string {
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 0 && f[0] == name {
				return f
			}
		}
		return nil
	}
	for name, n := range byStatus {
		f := row(name)
		if len(f) != 4 || f[1] != strconv.Itoa(n) || !strings.HasPrefix(f[3], "#") {
			t.Errorf("row %s = %q, want count %d and a bar", name, f, n)
		}
	}
	for cause, n := range byCause {
		f := row(cause)
		if len(f) != 4 || f[1] != strconv.Itoa(n) || !strings.Contains(f[3], "#") || len(f[3]) != barWidth {
			t.Errorf("row %s = %q, want count %d and a bar of %d", cause, f, n, barWidth)
		}
	}
	if !strings.Contains(r.stdout, "CAUSE (WHY DISCONNECTED)") {
		t.Errorf("no cause block:\n%s", r.stdout)
	}
}

func TestStatesSummaryFiltersAndFormats(t *testing.T) {
	r, m := withMock(t, "states", "--summary", "--status", "connected", "--format", "csv")
	mustSucceed(t, r)
	want := "group,name,count\nstatus,connected," + strconv.Itoa(countClients(m, func(c clientstate.State) bool { return c.Status == clientstate.StatusConnected })) + "\n"
	if r.stdout != want {
		t.Errorf("csv:\n%s\nwant:\n%s", r.stdout, want)
	}
	r = cli(t, "states", "--format", "json")
	if r.code != exitUsage || !strings.Contains(r.stderr, "json is for --summary") {
		t.Errorf("--format json without --summary: exit %d\n%s", r.code, r.stderr)
	}
}
