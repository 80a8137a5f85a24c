package main

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestMonitorRetainedJSONL(t *testing.T) {
	r := cli(t, "monitor", "--events", "5", "--for", "30s", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) != 5 {
		t.Fatalf("--events 5: %d lines", len(objs))
	}
	for _, obj := range objs {
		switch obj["action"] {
		case "Connect", "Disconnect":
		default:
			t.Errorf("a retained event is %v", obj["action"])
		}
		if obj["retained"] != true {
			t.Errorf("the first events are the retained state: %v", obj)
		}
		mustTime(t, obj["time"])
		if id, _ := obj["client_id"].(string); !strings.HasPrefix(id, "d:"+mockOrg+":") && !strings.HasPrefix(id, "g:"+mockOrg+":") {
			t.Errorf("client_id = %q", id)
		}
	}
	if !strings.Contains(r.stderr, "iotctl monitor: connected to tcp://127.0.0.1:") {
		t.Errorf("stderr does not say where it connected:\n%s", r.stderr)
	}
}

func TestMonitorLiveOnly(t *testing.T) {
	r := cli(t, "monitor", "--live-only", "--events", "2", "--for", "30s", "--format", "csv")
	mustSucceed(t, r)
	header, rows := readCSV(t, r.stdout)
	if header[0] != "time" || len(rows) != 2 {
		t.Fatalf("header %q, %d rows", header, len(rows))
	}
	for _, row := range rows {
		if row["retained"] != "false" {
			t.Errorf("--live-only printed a retained event: %v", row)
		}
	}
}

func TestMonitorFor(t *testing.T) {
	start := time.Now()
	r := cli(t, "monitor", "--type", demoType, "--device", demoIBMID, "--for", "700ms")
	mustSucceed(t, r)
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("--for 700ms ran %s", d)
	}
	// The demo device is connected: its retained Connect comes first.
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "TIME ") || !strings.Contains(lines[1], demoClientID) ||
		!strings.Contains(lines[1], "Connect") {
		t.Errorf("want the header and the demo device's retained Connect:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "iot-2/type/"+demoType+"/id/"+demoIBMID+"/mon") {
		t.Errorf("stderr does not name the topic:\n%s", r.stderr)
	}
}

// TestMonitorVerbose: the SDK logs from the monitor's goroutines while
// iotctl writes to stderr too (run with -race).
func TestMonitorVerbose(t *testing.T) {
	r := cli(t, "monitor", "--verbose", "--events", "3", "--for", "30s", "--format", "jsonl")
	mustSucceed(t, r)
	if n := len(readJSONL(t, r.stdout)); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
	if !strings.Contains(r.stderr, "level=INFO") || !strings.Contains(r.stderr, "connected") {
		t.Errorf("--verbose logged nothing about the connection:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, mockAPIToken) {
		t.Errorf("the token leaked into the log:\n%s", r.stderr)
	}
}

// A monitor that never reaches its broker fails, even when --for ends it.
func TestMonitorNeverConnectedFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a refused port
	clearEnv(t)
	t.Setenv(envIBMAPIKey, "a-ab12cd-remote01")
	t.Setenv(envIBMAPIToken, "secret-token-value")
	r := cliEnv(t, "monitor", "--broker", "tcp://"+addr, "--for", "1500ms")
	if r.code != exitError {
		t.Fatalf("exit status %d, want %d\nstderr:\n%s", r.code, exitError, r.stderr)
	}
	if !strings.Contains(r.stderr, "never connected to tcp://"+addr) || !strings.Contains(r.stderr, "connection refused") {
		t.Errorf("stderr does not say the monitor never connected:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "secret-token-value") {
		t.Errorf("the token leaked:\n%s", r.stderr)
	}
}

// Long client IDs do not push the columns after them out of line.
func TestMonitorTableAligned(t *testing.T) {
	r := cli(t, "monitor", "--events", "60", "--for", "30s")
	mustSucceed(t, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	code := strings.Index(lines[0], "RETAINED") // after CLIENT ID and REASON
	if len(lines) < 61 || code < 0 {
		t.Fatalf("want a header and 60 rows:\n%s", r.stdout)
	}
	long := 0
	for _, l := range lines[1:] {
		if len(l) < code || l[code-2:code] != "  " {
			t.Errorf("the RETAINED column is out of line:\n%s\n%s", lines[0], l)
		}
		if strings.Count(strings.Fields(l)[2], "") > 47 {
			long++
		}
	}
	if long == 0 {
		t.Error("no client ID longer than the old fixed width: the test proves nothing")
	}
}

func TestClientIDWidth(t *testing.T) {
	if w := clientIDWidth("ab12cd", "", "", ""); w != len("d:ab12cd:")+36+1+36 {
		t.Errorf("every device: %d", w)
	}
	if w := clientIDWidth("ab12cd", "pump", "p-1", ""); w != len("d:ab12cd:pump:p-1") {
		t.Errorf("one device: %d", w)
	}
	if w := clientIDWidth("", "", "", "+"); w != len("A:")+6+1+36+1+36 {
		t.Errorf("every application: %d", w)
	}
}
