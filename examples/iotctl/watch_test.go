package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Against the embedded mock, watch needs no setup: the mock pushes to its
// listener as it delivers demo commands and moves devices, and --wait 5
// prints five rows and exits 0.
func TestWatchMockTable(t *testing.T) {
	start := time.Now()
	r := cli(t, "watch", "--wait", "5")
	mustSucceed(t, r)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("--wait 5 took %s", d)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "TIME ") || !strings.Contains(lines[0], "RESOURCE") {
		t.Fatalf("want the header and 5 rows:\n%s", r.stdout)
	}
	for _, line := range lines[1:] {
		if !strings.Contains(line, " device.command.status ") && !strings.Contains(line, " device.status ") {
			t.Errorf("a row is neither a command's nor a device's status: %q", line)
		}
	}
	if !strings.Contains(r.stderr, "iotctl watch: listening on http://127.0.0.1:") || !strings.Contains(r.stderr, "embedded mock") {
		t.Errorf("stderr does not say where it listens and who pushes:\n%s", r.stderr)
	}
}

// jsonl has every field: a command's ID and status from the command
// API's vocabulary, its result, a device's status, and the body whole.
func TestWatchMockJSONL(t *testing.T) {
	r := cli(t, "watch", "--wait", "12", "--format", "jsonl")
	mustSucceed(t, r)
	objs := readJSONL(t, r.stdout)
	if len(objs) != 12 {
		t.Fatalf("--wait 12: %d lines", len(objs))
	}
	kinds := map[string]int{}
	for _, obj := range objs {
		mustTime(t, obj["time"])
		if _, ok := obj["body"].(map[string]any); !ok {
			t.Errorf("body is not the document's body: %v", obj)
		}
		switch obj["resource"] {
		case "device.command.status":
			kinds["command"]++
			id, _ := obj["command_id"].(string)
			st, _ := obj["status"].(string)
			if id == "" || !commands.Status(st).Known() {
				t.Errorf("a command row without its ID or a known status: %v", obj)
			}
			if commands.Status(st).IsTerminal() && st != string(commands.StatusTimeout) && obj["result"] == nil {
				t.Errorf("a final command row without its result: %v", obj)
			}
		case "device.status":
			kinds["device"]++
			if obj["status"] != "ONLINE" && obj["status"] != "OFFLINE" {
				t.Errorf("a device row with status %v", obj["status"])
			}
		default:
			t.Errorf("resource %v", obj["resource"])
		}
		if obj["event"] != "update" {
			t.Errorf("event %v", obj["event"])
		}
	}
	if kinds["command"] == 0 || kinds["device"] == 0 {
		t.Errorf("want both commands and devices: %v", kinds)
	}
}

// realIoTDAEnv points iotctl at srv as if it were the real platform, so
// that it starts no mock.
func realIoTDAEnv(t *testing.T, srv *commandstest.Server) {
	t.Helper()
	clearEnv(t)
	cfg := srv.Config()
	t.Setenv(envIoTDAEndpoint, cfg.Endpoint)
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAAK, commandstest.AccessKey)
	t.Setenv(envIoTDASK, commandstest.SecretKey)
}

// listening returns a channel that receives the URL of the next push
// listener iotctl opens.
func listening(t *testing.T) <-chan string {
	t.Helper()
	urls := make(chan string, 1)
	pushListening = func(url string) { urls <- url }
	t.Cleanup(func() { pushListening = nil })
	return urls
}

// post sends doc to url as the platform does, and checks the answer.
func post(t *testing.T, url, doc string, want int) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(doc))
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("POST %s: %d, want %d", url, resp.StatusCode, want)
	}
}

// hostileDoc is a device.command.status document whose every string is
// hostile: terminal controls, bidirectional overrides, a formula.
func hostileDoc() string {
	esc := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return `{"resource":"device.command.status","event":"update","event_time":"20251206T101010Z",` +
		`"request_id":` + esc("req"+hostile) + `,` +
		`"notify_data":{"header":{"device_id":` + esc("dev"+hostile) + `,"product_id":` + esc("=1+2") + `},` +
		`"body":{"command_id":` + esc("=HYPERLINK(\"http://x\")"+hostile) + `,"status":` + esc("DONE"+hostile) + `,` +
		`"result":{"msg":` + esc("ok"+hostile) + `}}}}`
}

const plainDoc = `{"resource":"device.status","event":"update","event_time":"20251206T101011Z",` +
	`"notify_data":{"header":{"device_id":"meter-9"},"body":{"status":"OFFLINE","last_online_time":"20251206T090000Z"}}}`

// runWatchWith runs watch with args against a platform that is not the
// mock, posting the documents to its listener once it listens.
func runWatchWith(t *testing.T, docs []string, args ...string) result {
	t.Helper()
	srv := commandstest.NewServer()
	defer srv.Close()
	realIoTDAEnv(t, srv)
	urls := listening(t)
	done := make(chan result)
	go func() { done <- cliEnv(t, append([]string{"watch"}, args...)...) }()
	select {
	case url := <-urls:
		for _, d := range docs {
			post(t, url, d, http.StatusOK)
		}
	case r := <-done:
		t.Fatalf("watch ended before it listened: exit %d\n%s", r.code, r.stderr)
	}
	return <-done
}

// Every string of a hostile document is escaped in every format, a csv
// cell that a spreadsheet would run gets its ', jsonl carries the strings
// exactly; an undecodable document is reported on stderr and a duplicate
// is printed once.
func TestWatchEscapesHostileDocument(t *testing.T) {
	docs := []string{hostileDoc(), `{"resource":"device.status"` + hostile, hostileDoc(), plainDoc}
	for _, format := range []string{formatTable, formatJSONL, formatCSV} {
		t.Run(format, func(t *testing.T) {
			r := runWatchWith(t, docs, "--wait", "2", "--format", format, "--for", "30s")
			mustSucceed(t, r)
			noTerminalControls(t, "stdout", r.stdout)
			noTerminalControls(t, "stderr", r.stderr)
			if !strings.Contains(r.stderr, "undecodable") {
				t.Errorf("the undecodable document is not reported:\n%s", r.stderr)
			}
			if strings.Count(r.stdout, "meter-9") != 1 {
				t.Errorf("want the plain document once after the hostile one (its duplicate left out):\n%s", r.stdout)
			}
			switch format {
			case formatJSONL:
				objs := readJSONL(t, r.stdout)
				if len(objs) != 2 || objs[0]["device_id"] != "dev"+hostile || objs[0]["status"] != "DONE"+hostile ||
					objs[0]["command_id"] != "=HYPERLINK(\"http://x\")"+hostile {
					t.Errorf("jsonl does not carry the strings exactly:\n%s", r.stdout)
				}
				if res, _ := objs[0]["result"].(map[string]any); res["msg"] != "ok"+hostile {
					t.Errorf("jsonl does not carry the result exactly: %v", objs[0]["result"])
				}
			case formatCSV:
				_, rows := readCSV(t, r.stdout)
				if len(rows) != 2 || !strings.HasPrefix(rows[0]["command_id"], `'=HYPERLINK`) || rows[0]["product_id"] != "'=1+2" {
					t.Errorf("csv does not defuse the formulas:\n%s", r.stdout)
				}
				if !strings.Contains(rows[0]["device_id"], evilEscaped) {
					t.Errorf("csv does not escape the device: %q", rows[0]["device_id"])
				}
			default:
				if lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); len(lines) != 3 ||
					!strings.Contains(lines[1], "dev"+evilEscaped) || !strings.Contains(lines[1], `\u202e`) {
					t.Errorf("the table does not show the strings escaped on one row:\n%s", r.stdout)
				}
			}
		})
	}
}

// --path accepts pushes on that path only.
func TestWatchPath(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	realIoTDAEnv(t, srv)
	urls := listening(t)
	done := make(chan result)
	go func() {
		done <- cliEnv(t, "watch", "--path", "/iotda-7f3a", "--wait", "1", "--format", "jsonl", "--for", "30s")
	}()
	url := <-urls
	if !strings.HasSuffix(url, "/iotda-7f3a") {
		t.Errorf("listening on %s", url)
	}
	post(t, strings.TrimSuffix(url, "/iotda-7f3a")+"/other", plainDoc, http.StatusNotFound)
	post(t, url, plainDoc, http.StatusOK)
	r := <-done
	mustSucceed(t, r)
	if objs := readJSONL(t, r.stdout); len(objs) != 1 || objs[0]["device_id"] != "meter-9" {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "listening on "+url+" for Huawei IoTDA's HTTP pushes") || strings.Contains(r.stderr, "mock") {
		t.Errorf("stderr does not say where it listens for the real platform:\n%s", r.stderr)
	}
}

// --for ends a watch that got nothing, with status 0.
func TestWatchFor(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	realIoTDAEnv(t, srv)
	r := cliEnv(t, "watch", "--for", "300ms")
	mustSucceed(t, r)
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

func TestWatchUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--amqp-host", "h.example"}, "--amqp-host: only with --amqp"},
		{[]string{"--amqp", "--listen", "127.0.0.1:9"}, "leave them out with --amqp"},
		{[]string{"--amqp"}, "--amqp needs the queue's address and credential: --amqp-host or $" + envAMQPHost},
		{[]string{"--amqp", "--mock", "--amqp-host", "h.example"}, "the embedded mock pushes over HTTP only"},
		{[]string{"--amqp", "--amqp-host", "amqp://h.example"}, "--amqp-host or $" + envAMQPHost + ` "amqp://h.example"`},
		{[]string{"--path", "iotda"}, `--path "iotda": must start with /`},
		{[]string{"--wait", "-1"}, "--wait -1"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		r := cli(t, append([]string{"watch"}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("watch %q: exit %d, want 2 saying %q\nstdout: %s\nstderr: %s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
	}
}

// An incomplete IoTDA configuration is an error naming the variable, not
// a silent fallback to the mock.
func TestWatchIncompleteEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	r := cliEnv(t, "watch", "--wait", "1")
	if r.code == exitOK || !strings.Contains(r.stderr, envIoTDAEndpoint) || strings.Contains(r.stderr, "mock") {
		t.Errorf("exit %d\nstderr: %s", r.code, r.stderr)
	}
}

// The AMQP credential in the environment is scrubbed from what iotctl
// prints, as every other credential.
func TestAMQPCredentialIsScrubbed(t *testing.T) {
	const code, key = "Acc3ss-C0de&9f", "AK7xQ2pL"
	a := &app{getenv: func(k string) string {
		switch k {
		case envAMQPAccessCode:
			return code
		case envAMQPAccessKey:
			return key
		}
		return ""
	}}
	if got := a.clean(fmt.Sprintf("login as accessKey=%s|timestamp=1 with %s refused", key, code)); strings.Contains(got, code) || strings.Contains(got, key) {
		t.Errorf("clean left the AMQP credential: %q", got)
	}
}
