package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// countClients counts the mock's clients keep returns true for.
func countClients(m *mockFleet, keep func(clientstate.State) bool) int {
	n := 0
	for _, c := range m.states.States() {
		if keep(c) {
			n++
		}
	}
	return n
}

func TestStatesConnectedCount(t *testing.T) {
	for _, status := range []string{string(clientstate.StatusConnected), string(clientstate.StatusDisconnected)} {
		r, m := withMock(t, "states", "--status", status, "--format", "csv")
		mustSucceed(t, r)
		header, rows := readCSV(t, r.stdout)
		if header[0] != "client_id" || !slices.Contains(header, "disconnect_reason_code") {
			t.Errorf("header = %q", header)
		}
		want := countClients(m, func(c clientstate.State) bool { return string(c.Status) == status })
		if len(rows) != want || want == 0 {
			t.Errorf("--status %s: %d rows, the mock holds %d", status, len(rows), want)
		}
		for _, row := range rows {
			if row["status"] != status {
				t.Errorf("--status %s: row %v", status, row)
			}
		}
	}
}

func TestStatesAllJSONL(t *testing.T) {
	r, m := withMock(t, "states", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if want := len(m.states.States()); len(objs) != want || want != demoClients {
		t.Fatalf("%d lines, the mock holds %d clients", len(objs), want)
	}
	ids := make(map[string]bool)
	for _, obj := range objs {
		id, _ := obj["client_id"].(string)
		if ids[id] {
			t.Errorf("client %s listed twice", id)
		}
		ids[id] = true
		if v := obj["last_connected"]; v != nil {
			mustTime(t, v)
		}
	}
	for _, id := range []string{demoClientID, demoPumpClientID} {
		if !ids[id] {
			t.Errorf("the demo client %s is not listed", id)
		}
	}
}

func TestStatesFilters(t *testing.T) {
	r, m := withMock(t, "states", "--type", demoType, "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	want := countClients(m, func(c clientstate.State) bool {
		p := strings.Split(c.ClientID, ":")
		return (p[0] == "d" || p[0] == "g") && p[2] == demoType
	})
	if len(objs) != want || want < 2 {
		t.Errorf("--type %s: %d clients, the mock holds %d", demoType, len(objs), want)
	}
	for _, obj := range objs {
		if id := obj["client_id"].(string); strings.Split(id, ":")[2] != demoType {
			t.Errorf("--type %s listed %s", demoType, id)
		}
	}

	after := time.Now().Add(-3 * 24 * time.Hour).UTC().Truncate(time.Second)
	r, m = withMock(t, "states", "--connected-after", after.Format(time.RFC3339), "--format", "csv")
	mustSucceed(t, r)
	_, rows := readCSV(t, r.stdout)
	want = countClients(m, func(c clientstate.State) bool { return c.LastConnected.After(after) })
	if len(rows) != want || want == 0 {
		t.Errorf("--connected-after: %d clients, the mock holds %d", len(rows), want)
	}
}

func TestStatesSortLimit(t *testing.T) {
	r := cli(t, "states", "--status", "connected", "--sort", "-lastActivityTime", "--limit", "5", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) != 5 {
		t.Fatalf("--limit 5: %d lines", len(objs))
	}
	for i := 1; i < len(objs); i++ {
		prev, cur := mustTime(t, objs[i-1]["last_activity"]), mustTime(t, objs[i]["last_activity"])
		if cur.After(prev) {
			t.Errorf("not sorted by last activity, newest first: %s then %s", prev, cur)
		}
	}
}

func TestStatesTable(t *testing.T) {
	r := cli(t, "states", "--device", demoPumpID)
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "CLIENT ID ") {
		t.Fatalf("want a header and one row:\n%s", r.stdout)
	}
	for _, want := range []string{demoPumpClientID, "disconnected", "network", "160", "timed out (keepalive)"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row does not show %q: %s", want, lines[1])
		}
	}
}

func TestState(t *testing.T) {
	// Flags may follow the client ID.
	r, m := withMock(t, "state", demoClientID, "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) != 1 {
		t.Fatalf("%d lines, want 1", len(objs))
	}
	i := slices.IndexFunc(m.states.States(), func(st clientstate.State) bool { return st.ClientID == demoClientID })
	if i < 0 {
		t.Fatal("the mock has no demo client")
	}
	want := m.states.States()[i]
	got := objs[0]
	if got["client_id"] != demoClientID || got["status"] != string(want.Status) || got["client_type"] != "device" ||
		got["protocol"] != want.Protocol || got["last_activity_event"] != string(want.LastActivityEvent) {
		t.Errorf("state = %v, the mock holds %+v", got, want)
	}
	for key, at := range map[string]time.Time{
		"last_connected": want.LastConnected, "last_disconnected": want.LastDisconnected, "last_activity": want.LastActivity,
	} {
		if tm := mustTime(t, got[key]); !tm.Equal(at) {
			t.Errorf("%s = %s, the mock holds %s", key, tm, at)
		}
	}
	if got["disconnect_reason_code"] != nil || got["extra"] != nil {
		t.Errorf("absent fields are not null: %v", got)
	}
}

func TestStateTableAndAlias(t *testing.T) {
	r := cli(t, "get", demoPumpClientID, demoClientID)
	mustSucceed(t, r)
	for _, want := range []string{
		"CLIENT ID          " + demoPumpClientID, "STATUS             disconnected", "REASON             timed out (keepalive)",
		"CLIENT ID          " + demoClientID,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the vertical table does not show %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "\n\nCLIENT ID") {
		t.Errorf("two clients are not separated by a blank line:\n%s", r.stdout)
	}
}

func TestStateCSV(t *testing.T) {
	r := cli(t, "state", "--format", "csv", demoPumpClientID)
	mustSucceed(t, r)
	_, rows := readCSV(t, r.stdout)
	if len(rows) != 1 || rows[0]["disconnect_reason_code"] != "160" || rows[0]["disconnected_by"] != "network" ||
		rows[0]["last_connected"] == "" {
		t.Errorf("rows = %v", rows)
	}
}
