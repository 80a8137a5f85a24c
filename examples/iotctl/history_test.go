package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

var historyHeader = []string{
	"id", "device_id", "service_id", "name", "status", "send_strategy", "expire_seconds",
	"created_at", "sent_at", "delivered_at", "responded_at",
}

// commandIDs are the IDs of the mock's history of device (its final and
// DELIVERED commands) that keep returns true for, newest first.
func commandIDs(m *mockFleet, device string, keep func(commands.Command) bool) []string {
	var ids []string
	for _, c := range m.commands.Commands(device) {
		if c.Status != commands.StatusPending && c.Status != commands.StatusSent && keep(c) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func TestHistoryCSVFailed(t *testing.T) {
	r, m := withMock(t, "history", "--device", demoDevice, "--status", "FAILED", "--format", "csv")
	mustSucceed(t, r)
	header, rows := readCSV(t, r.stdout)
	if !slices.Equal(header, historyHeader) {
		t.Fatalf("header = %q, want %q", header, historyHeader)
	}
	want := commandIDs(m, demoDevice, func(c commands.Command) bool { return c.Status == commands.StatusFailed })
	if len(want) == 0 {
		t.Fatal("the mock holds no FAILED command: the test proves nothing")
	}
	var got []string
	for _, row := range rows {
		got = append(got, row["id"])
		if row["status"] != "FAILED" || row["device_id"] != demoDevice {
			t.Errorf("row %v: want a FAILED command of %s", row, demoDevice)
		}
		for _, k := range []string{"created_at", "sent_at", "delivered_at", "responded_at"} {
			if _, err := time.Parse(time.RFC3339, row[k]); err != nil {
				t.Errorf("row %s: %s = %q, not RFC 3339 (a FAILED command has every time)", row["id"], k, row[k])
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("FAILED commands, newest first:\n got %q\nwant %q", got, want)
	}
}

func TestHistoryJSONL(t *testing.T) {
	r, m := withMock(t, "history", "--device", demoDevice, "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	want := commandIDs(m, demoDevice, func(commands.Command) bool { return true })
	if len(objs) != len(want) || len(want) == 0 {
		t.Fatalf("%d lines, want %d (the mock's history)", len(objs), len(want))
	}
	for i, obj := range objs {
		if len(obj) != len(historyHeader) {
			t.Errorf("line %d has %d keys, want %d: %v", i+1, len(obj), len(historyHeader), obj)
		}
		if obj["id"] != want[i] {
			t.Errorf("line %d: id %v, want %s", i+1, obj["id"], want[i])
		}
		mustTime(t, obj["created_at"])
		if v := obj["responded_at"]; v != nil {
			mustTime(t, v)
		}
		if _, ok := obj["expire_seconds"].(float64); !ok {
			t.Errorf("line %d: expire_seconds = %v, not a number", i+1, obj["expire_seconds"])
		}
	}
	// Commands that expired before they were sent have no sent time:
	// null, not "".
	expired := 0
	for _, obj := range objs {
		if obj["status"] == "EXPIRED" {
			expired++
			if v, ok := obj["sent_at"]; !ok || v != nil {
				t.Errorf("an EXPIRED command's sent_at = %v, want null", v)
			}
		}
	}
	if expired == 0 {
		t.Error("no EXPIRED command in the demo data: null times untested")
	}
}

func TestHistoryFilters(t *testing.T) {
	since := time.Now().Add(-10 * 24 * time.Hour).UTC().Truncate(time.Second)
	until := time.Now().Add(-2 * 24 * time.Hour).UTC().Truncate(time.Second)
	r, m := withMock(t, "history", "--device", demoDeviceBig, "--name", "REBOOT",
		"--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339), "--format", "csv")
	mustSucceed(t, r)
	_, rows := readCSV(t, r.stdout)
	want := commandIDs(m, demoDeviceBig, func(c commands.Command) bool {
		return c.Name == "REBOOT" && !c.CreatedAt.Before(since) && !c.CreatedAt.After(until)
	})
	var got []string
	for _, row := range rows {
		got = append(got, row["id"])
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("REBOOT commands between %s and %s:\n got %q\nwant %q", since, until, got, want)
	}
}

func TestHistorySinceDuration(t *testing.T) {
	before := time.Now()
	r, m := withMock(t, "history", "--device", demoDeviceBig, "--since", "48h", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) == 0 {
		t.Fatal("no command in the last 48 hours")
	}
	for _, obj := range objs {
		if c := mustTime(t, obj["created_at"]); c.Before(before.Add(-48*time.Hour - time.Second)) {
			t.Errorf("command %v created at %s, more than 48h ago", obj["id"], c)
		}
	}
	all := commandIDs(m, demoDeviceBig, func(commands.Command) bool { return true })
	if len(objs) >= len(all) {
		t.Errorf("--since 48h kept %d of %d commands", len(objs), len(all))
	}
}

func TestHistoryLimit(t *testing.T) {
	r, m := withMock(t, "history", "--device", demoDeviceBig, "--limit", "7", "--format", "csv")
	mustSucceed(t, r)
	_, rows := readCSV(t, r.stdout)
	want := commandIDs(m, demoDeviceBig, func(commands.Command) bool { return true })[:7]
	var got []string
	for _, row := range rows {
		got = append(got, row["id"])
	}
	if !slices.Equal(got, want) {
		t.Errorf("--limit 7:\n got %q\nwant %q", got, want)
	}
	if n := m.commands.Requests(); n != 1 {
		t.Errorf("--limit 7 sent %d history requests, want 1", n)
	}
}

func TestHistoryTable(t *testing.T) {
	r, m := withMock(t, "history", "--device", demoDeviceSmall)
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	n := len(commandIDs(m, demoDeviceSmall, func(commands.Command) bool { return true }))
	if len(lines) != 1+n {
		t.Fatalf("%d lines, want a header and %d rows:\n%s", len(lines), n, r.stdout)
	}
	if f := strings.Fields(lines[0]); !slices.Equal(f, []string{"ID", "SERVICE", "NAME", "STATUS", "STRATEGY", "CREATED", "RESPONDED"}) {
		t.Errorf("header = %q", f)
	}
	for _, l := range lines[1:] {
		if n := len(strings.Fields(l)); n != 7 {
			t.Errorf("row %q has %d columns, want 7", l, n)
		}
	}
}

func TestHistoryEmpty(t *testing.T) {
	r := cli(t, "history", "--device", demoDeviceEmpty, "--format", "csv")
	mustSucceed(t, r)
	if want := strings.Join(historyHeader, ",") + "\n"; r.stdout != want {
		t.Errorf("stdout = %q, want the header alone", r.stdout)
	}
	r = cli(t, "history", "--device", demoDeviceEmpty)
	mustSucceed(t, r)
	if r.stdout != "" || !strings.Contains(r.stderr, "no commands") {
		t.Errorf("an empty table: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	r = cli(t, "history", "--device", demoDeviceEmpty, "--format", "jsonl")
	mustSucceed(t, r)
	if r.stdout != "" {
		t.Errorf("empty jsonl: stdout %q", r.stdout)
	}
}

func TestProgress(t *testing.T) {
	r, m := withMock(t, "history", "--device", demoDeviceBig, "--format", "jsonl", "--progress")
	mustSucceed(t, r)
	want := len(commandIDs(m, demoDeviceBig, func(commands.Command) bool { return true }))
	if n := len(readJSONL(t, r.stdout)); n != want {
		t.Errorf("%d lines, want %d", n, want)
	}
	if strings.Contains(r.stdout, "\r") || strings.Contains(r.stdout, "commands") && !strings.Contains(r.stdout, "{") {
		t.Errorf("progress leaked into stdout")
	}
	if !strings.Contains(r.stderr, "\r"+thousands(want)+" commands in ") {
		t.Errorf("stderr has no final count:\n%q", r.stderr)
	}

	// Not a terminal, no --progress: no count.
	r = cli(t, "history", "--device", demoDeviceBig, "--format", "jsonl")
	mustSucceed(t, r)
	if strings.Contains(r.stderr, "commands in") {
		t.Errorf("a count without --progress on a non-terminal:\n%q", r.stderr)
	}
	r = cli(t, "history", "--device", demoDeviceBig, "--format", "csv", "--progress=false")
	mustSucceed(t, r)
	if strings.Contains(r.stderr, "commands in") {
		t.Errorf("a count with --progress=false:\n%q", r.stderr)
	}
}

// TestRealEndpoint: IOTCLIENT_IOTDA_* select a platform other than the
// embedded mock (here a mock server of the test's own), and --mock
// overrides them.
func TestRealEndpoint(t *testing.T) {
	m := commandstest.NewServer()
	defer m.Close()
	seeded := 0
	for _, c := range m.Seed("remote-device", 30, 9) {
		if c.Status != commands.StatusPending && c.Status != commands.StatusSent {
			seeded++ // the history's: final and DELIVERED commands
		}
	}
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, m.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, commandstest.Token)

	r := cliEnv(t, "history", "--device", "remote-device", "--format", "csv")
	mustSucceed(t, r)
	if strings.Contains(r.stderr, "embedded mock") {
		t.Errorf("the embedded mock served despite %s:\n%s", envIoTDAEndpoint, r.stderr)
	}
	if _, rows := readCSV(t, r.stdout); len(rows) != seeded {
		t.Errorf("%d rows, want %d", len(rows), seeded)
	}

	// --verbose logs each request on stderr, without the token.
	r = cliEnv(t, "history", "--device", "remote-device", "--limit", "1", "--verbose")
	mustSucceed(t, r)
	if !strings.Contains(r.stderr, "level=DEBUG") || !strings.Contains(r.stderr, "remote-device/async-commands-history") {
		t.Errorf("--verbose logged no request:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, commandstest.Token) {
		t.Errorf("the token leaked into the log:\n%s", r.stderr)
	}

	// AK/SK from the environment, the AK from a flag.
	t.Setenv(envIoTDAToken, "")
	t.Setenv(envIoTDASK, commandstest.SecretKey)
	r = cliEnv(t, "history", "--device", "remote-device", "--ak", commandstest.AccessKey, "--limit", "3", "--format", "jsonl")
	mustSucceed(t, r)
	if n := len(readJSONL(t, r.stdout)); n != 3 {
		t.Errorf("AK/SK: %d lines, want 3", n)
	}

	// A wrong secret: the platform's 401 and its code.
	t.Setenv(envIoTDASK, "wrong-secret")
	r = cliEnv(t, "history", "--device", "remote-device", "--ak", commandstest.AccessKey)
	if r.code != exitError || !strings.Contains(r.stderr, "HTTP 401") || !strings.Contains(r.stderr, "APIGW.0301") {
		t.Errorf("wrong SK: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "wrong-secret") {
		t.Errorf("the secret leaked into stderr:\n%s", r.stderr)
	}

	// --mock: the embedded mock, whatever the environment says.
	r = cliEnv(t, "history", "--device", demoDevice, "--limit", "2", "--mock")
	mustSucceed(t, r)
	if !strings.Contains(r.stderr, "--mock: using the embedded mock") {
		t.Errorf("--mock: stderr %q", r.stderr)
	}

	// An endpoint without credentials is a usage error.
	t.Setenv(envIoTDASK, "")
	r = cliEnv(t, "history", "--device", "remote-device")
	if r.code != exitUsage || !strings.Contains(r.stderr, envIoTDAToken) {
		t.Errorf("no credentials: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}
