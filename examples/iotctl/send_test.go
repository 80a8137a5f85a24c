package main

import (
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Against the embedded mock, send --wait-push needs no setup: the mock
// pushes the command's changes to send's listener, and the outcome comes
// from a push without a single read of the command.
func TestSendWaitPushMock(t *testing.T) {
	r, m := withMock(t, "send", "--device", demoDevice, "--service", "Switch", "--name", "ON_OFF",
		"--params", `{"value":"ON"}`, "--wait-push", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) != 1 {
		t.Fatalf("want one record:\n%s", r.stdout)
	}
	c := objs[0]
	if c["status"] != string(commands.StatusSuccessful) || c["device_id"] != demoDevice || c["name"] != "ON_OFF" ||
		c["service_id"] != "Switch" || c["result"] == nil {
		t.Errorf("record: %v", c)
	}
	mustTime(t, c["responded_at"])
	id, _ := c["id"].(string)
	if n := m.commands.Gets(demoDevice, id); n != 0 {
		t.Errorf("the command was read %d times; its outcome was pushed", n)
	}
	for _, want := range []string{"listening on http://127.0.0.1:", "delivered command " + id, "now SENT", "SUCCESSFUL, learnt from a push"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	// The fake agrees.
	for _, h := range m.commands.Commands(demoDevice) {
		if h.ID == id && h.Status != commands.StatusSuccessful {
			t.Errorf("the fake has %s", h.Status)
		}
	}
}

// A command whose pushes never come is resolved by reading it at
// --poll-max, and send says so.
func TestSendWaitPushFallsBackToPolling(t *testing.T) {
	srv := commandstest.NewServer(
		commandstest.WithLifecycle(commandstest.Lifecycle{SendAfter: 100 * time.Millisecond, DeliverAfter: 100 * time.Millisecond, RespondAfter: 100 * time.Millisecond}),
		commandstest.WithPush("", commandstest.PushOptions{Faults: commandstest.PushFaults{Drop: 1}}),
	)
	defer srv.Close()
	srv.AddDevice("pump-1")
	realIoTDAEnv(t, srv)
	urls := listening(t)
	done := make(chan result)
	go func() {
		done <- cliEnv(t, "send", "--device", "pump-1", "--name", "REBOOT", "--wait-push", "--poll-max", "300ms", "--format", "csv")
	}()
	if err := srv.PushTo(<-urls); err != nil { // the platform's forwarding rule
		t.Fatal(err)
	}
	r := <-done
	mustSucceed(t, r)
	_, rows := readCSV(t, r.stdout)
	if len(rows) != 1 || rows[0]["status"] != string(commands.StatusSuccessful) || rows[0]["name"] != "REBOOT" {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	if n := srv.Gets("pump-1", rows[0]["id"]); n == 0 {
		t.Error("the command was never read")
	}
	if !strings.Contains(r.stderr, "SUCCESSFUL, learnt by reading the command") || strings.Contains(r.stderr, "mock") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if st := srv.PushStats(); st.Dropped == 0 || st.Sent != 0 {
		t.Errorf("the fake's pushes: %+v", st)
	}
}

// --wait reads the command until it is final; without a wait, send prints
// the command as delivered.
func TestSendWaitAndNoWait(t *testing.T) {
	r, m := withMock(t, "send", "--device", demoDeviceSmall, "--name", "REBOOT", "--wait", "--poll-max", "500ms")
	mustSucceed(t, r)
	if !strings.Contains(r.stdout, "STATUS     FAILED") || !strings.Contains(r.stdout, "simulated failure") {
		t.Errorf("want the failed command with its result:\n%s", r.stdout)
	}
	id := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0])[1]
	if m.commands.Gets(demoDeviceSmall, id) == 0 {
		t.Error("--wait did not read the command")
	}

	r = cli(t, "send", "--device", demoDeviceSmall, "--service", "Switch", "--name", "ON_OFF", "--format", "jsonl")
	mustSucceed(t, r)
	if objs := readJSONL(t, r.stdout); len(objs) != 1 || objs[0]["status"] != string(commands.StatusPending) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// Bad input is refused before anything is delivered.
func TestSendUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--device is required"},
		{[]string{"--device", demoDevice, "--wait", "--wait-push"}, "give one"},
		{[]string{"--device", demoDevice, "--listen", "127.0.0.1:9"}, "only with --wait-push"},
		{[]string{"--device", demoDevice, "--wait-push", "--amqp", "--amqp-host", "h.example"}, "the embedded mock pushes over HTTP only"},
		{[]string{"--device", demoDevice, "--params", "[1]"}, `--params "[1]": must encode to a JSON object`},
		{[]string{"--device", demoDevice, "--params", "{"}, `--params "{": is not JSON`},
		{[]string{"--device", demoDevice, "--strategy", "later"}, `--strategy "later"`},
		{[]string{"--device", demoDevice, "--expire", "49h"}, `--expire "49h0m0s"`},
		{[]string{"--device", demoDevice, "--poll-max", "0s"}, "--poll-max"},
		{[]string{"--device", "bad id!"}, `--device "bad id!"`},
	} {
		r, m := withMock(t, append([]string{"send"}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("send %q: exit %d, want 2 saying %q\nstdout: %s\nstderr: %s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
		if m != nil && m.commands != nil && len(m.commands.Commands(demoDevice)) != demoDeviceN {
			t.Errorf("send %q delivered a command", tc.args)
		}
	}
}
