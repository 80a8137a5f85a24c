package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/clientstate"
)

// mockLog is the mock's connection log of a device, newest first, as
// (time, message) pairs.
func mockLog(m *mockFleet, typ, device string, keep func(clientstate.LogEntry) bool) []clientstate.LogEntry {
	var out []clientstate.LogEntry
	for _, e := range m.states.Logs(typ, device) {
		if keep(e) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b clientstate.LogEntry) int { return b.Time.Compare(a.Time) })
	return out
}

func TestLogs(t *testing.T) {
	r, m := withMock(t, "logs", "--type", demoType, "--device", demoIBMID, "--format", "csv")
	mustSucceed(t, r)
	header, rows := readCSV(t, r.stdout)
	if !slices.Equal(header, []string{"time", "message"}) {
		t.Errorf("header = %q", header)
	}
	want := mockLog(m, demoType, demoIBMID, func(clientstate.LogEntry) bool { return true })
	if len(rows) != len(want) || len(want) != demoLogN {
		t.Fatalf("%d rows, want %d (the mock holds %d)", len(rows), demoLogN, len(want))
	}
	for i, row := range rows {
		tm, err := time.Parse(time.RFC3339, row["time"])
		if err != nil {
			t.Fatalf("row %d: time %q: %v", i, row["time"], err)
		}
		if !tm.Equal(want[i].Time) || row["message"] != want[i].Message {
			t.Errorf("row %d = %v, the mock holds %v", i, row, want[i])
		}
	}
}

func TestLogsFromAndLimit(t *testing.T) {
	from := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	r, m := withMock(t, "logs", "--type", demoPumpType, "--device", demoPumpID, "--from", from.Format(time.RFC3339), "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	want := mockLog(m, demoPumpType, demoPumpID, func(e clientstate.LogEntry) bool { return !e.Time.Before(from) })
	if len(objs) != len(want) || len(want) == 0 || len(want) == demoPumpLogN {
		t.Fatalf("--from: %d entries, the mock holds %d of %d", len(objs), len(want), demoPumpLogN)
	}
	for i, obj := range objs {
		if tm := mustTime(t, obj["time"]); !tm.Equal(want[i].Time) {
			t.Errorf("entry %d at %s, want %s", i, tm, want[i].Time)
		}
	}

	r = cli(t, "logs", "--type", demoPumpType, "--device", demoPumpID, "--limit", "25", "--format", "jsonl")
	mustSucceed(t, r)
	if n := len(readJSONL(t, r.stdout)); n != 25 {
		t.Errorf("--limit 25: %d entries", n)
	}
}

func TestLogsTable(t *testing.T) {
	r := cli(t, "logs", "--type", demoType, "--device", demoIBMID, "--limit", "3")
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "TIME ") || !strings.Contains(lines[0], "MESSAGE") {
		t.Errorf("want a header and 3 rows:\n%s", r.stdout)
	}
}

func TestLogsUnknownDevice(t *testing.T) {
	r := cli(t, "logs", "--type", "nosuchtype", "--device", "nosuchdevice")
	if r.code != exitError || !strings.Contains(r.stderr, "CUDRS0002E") || !strings.Contains(r.stderr, "request ID") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}
