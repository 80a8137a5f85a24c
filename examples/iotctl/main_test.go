package main

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
)

// platformEnv are the environment variables that would point iotctl at a
// real platform.
var platformEnv = []string{
	envIoTDAEndpoint, envIoTDAProject, envIoTDAInstance, envIoTDAAK, envIoTDASK, envIoTDAToken,
	envIAMUser, envIAMPassword, envIAMDomain, envIAMEndpoint, envIAMRegion,
	envIBMOrg, envIBMDomain, envIBMAPIKey, envIBMAPIToken,
	envAMQPHost, envAMQPAccessKey, envAMQPAccessCode, envAMQPQueue, envAMQPInstance,
}

// clearEnv makes sure the tests use the embedded mock whatever the
// environment of the machine says.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, name := range platformEnv {
		t.Setenv(name, "")
	}
}

// result is what one run of the CLI printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// cli runs iotctl in-process with args and the platform environment
// cleared, so it uses the embedded mock.
func cli(t *testing.T, args ...string) result {
	t.Helper()
	clearEnv(t)
	return cliEnv(t, args...)
}

// cliEnv runs iotctl in-process with the environment as it is.
func cliEnv(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), code}
}

// withMock runs iotctl with args against the embedded mock and returns
// what it printed and the mock it started (nil if it started none), for
// comparing the output with what the mock holds.
func withMock(t *testing.T, args ...string) (result, *mockFleet) {
	t.Helper()
	var m *mockFleet
	mockStarted = func(f *mockFleet) { m = f }
	defer func() { mockStarted = nil }()
	r := cli(t, args...)
	return r, m
}

// mustSucceed fails the test unless the run exited 0.
func mustSucceed(t *testing.T, r result) {
	t.Helper()
	if r.code != exitOK {
		t.Fatalf("exit status %d, want 0\nstderr:\n%s", r.code, r.stderr)
	}
}

// readCSV parses the whole stdout as CSV: the header and the rows as maps.
func readCSV(t *testing.T, out string) (header []string, rows []map[string]string) {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v\n%s", err, out)
	}
	if len(records) == 0 {
		t.Fatalf("no CSV header in stdout")
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := make(map[string]string, len(header))
		for i, k := range header {
			row[k] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

var snakeCase = regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)

// readJSONL parses every line of stdout as a JSON object and checks the
// keys are snake_case.
func readJSONL(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" && out == "" {
			break
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		for k := range obj {
			if !snakeCase.MatchString(k) {
				t.Errorf("line %d: key %q is not lowercase snake_case", i+1, k)
			}
		}
		objs = append(objs, obj)
	}
	return objs
}

// mustTime parses an RFC 3339 time of the output.
func mustTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("time %v is %T, not a string", v, v)
	}
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q is not RFC 3339: %v", s, err)
	}
	return tm
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := cli(t, args...)
		mustSucceed(t, r)
		for _, want := range []string{
			"history", "send", "watch", "states", "state", "logs", "monitor", "--format table|jsonl|csv",
			demoDevice, demoDeviceBig, demoClientID, demoPumpClientID, envIoTDAEndpoint, envIBMAPIKey,
			"Exit status",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: the usage does not mention %q", args, want)
			}
		}
		if r.stderr != "" {
			t.Errorf("%v: stderr = %q, want nothing", args, r.stderr)
		}
	}
}

func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{
		{"help", "history"}, {"history", "-h"}, {"history", "--help"},
		{"help", "states"}, {"help", "state"}, {"help", "get"}, {"logs", "-h"}, {"help", "monitor"},
		{"help", "send"}, {"watch", "-h"},
	} {
		r := cli(t, args...)
		mustSucceed(t, r)
		if !strings.HasPrefix(r.stdout, "Usage: iotctl ") || !strings.Contains(r.stdout, "--format") ||
			!strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%v: not a command's usage:\n%s", args, r.stdout)
		}
	}
	r := cli(t, "help", "history")
	for _, flag := range []string{"--device ID", "--status", "--name", "--since", "--until", "--limit", "--endpoint", "--project"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("help history does not list %s", flag)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"history"}, "--device is required"},
		{[]string{"history", "--device"}, "--device needs a value"},
		{[]string{"history", "--device", demoDevice, "--bogus"}, "unknown flag --bogus"},
		{[]string{"history", "--device", demoDevice, "--format", "xml"}, `--format "xml"`},
		{[]string{"history", "--device", demoDevice, "--status", "DONE"}, `--status "DONE"`},
		{[]string{"history", "--device", demoDevice, "--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"history", "--device", demoDevice, "--limit", "-1"}, "--limit -1"},
		{[]string{"history", "--device", demoDevice, "extra"}, `unexpected argument "extra" (the device is --device ID)`},
		{[]string{"send", "--device", demoDevice, "extra"}, `unexpected argument "extra" (the device is --device ID)`},
		{[]string{"logs", "--type", demoType, "--device", demoIBMID, "extra"}, `unexpected argument "extra" (the device is --type T --device D)`},
		{[]string{"states", demoClientID}, `unexpected argument "` + demoClientID + `" (for one client: iotctl state CLIENT_ID)`},
		{[]string{"devices", "extra"}, `unexpected argument "extra"`},
		{[]string{"monitor", "extra"}, `unexpected argument "extra"`},
		{[]string{"history", "--device", demoDevice, "--format", "json"}, "json is for --summary"},
		{[]string{"monitor", "--format", "json"}, "json is for --summary and --flapping"},
		{[]string{"history", "--device", "bad id!"}, `--device "bad id!"`},                          // refused by the SDK
		{[]string{"history", "--device", demoDevice, "--since", "1h", "--until", "2h"}, "--since "}, // since after until
		{[]string{"states", "--status", "online"}, `--status "online"`},
		{[]string{"states", "--sort", "last activity"}, `--sort "last activity"`},
		{[]string{"states", "--progress=maybe"}, `--progress "maybe"`},
		{[]string{"state"}, "a CLIENT_ID is required"},
		{[]string{"state", "sensor-1"}, `CLIENT_ID "sensor-1"`},
		{[]string{"logs", "--device", demoIBMID}, "--type and --device are required"},
		{[]string{"logs", "--type", demoType, "--device", demoIBMID, "--to", "1h"}, "--to needs --from"},
		{[]string{"monitor", "--events", "-1"}, "--events -1"},
		{[]string{"monitor", "--watch-app", "+", "--type", demoType}, "--watch-app"},
	}
	for _, tt := range tests {
		r := cli(t, tt.args...)
		if r.code != exitUsage {
			t.Errorf("%q: exit status %d, want 2\nstderr: %s", tt.args, r.code, r.stderr)
			continue
		}
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%q: stderr does not say %q:\n%s", tt.args, tt.want, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%q: stdout = %q, want nothing", tt.args, r.stdout)
		}
	}
}

func TestUnknownDevice(t *testing.T) {
	for _, format := range []string{formatTable, formatCSV, formatJSONL} {
		r := cli(t, "history", "--device", "no-such-device", "--format", format)
		if r.code != exitError {
			t.Fatalf("%s: exit status %d, want 1\nstderr: %s", format, r.code, r.stderr)
		}
		for _, want := range []string{"HTTP 404", "IOTDA.014000", "request ID: ", "GET http://127.0.0.1:", "/v5/iot/", "no-such-device"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr does not say %q:\n%s", format, want, r.stderr)
			}
		}
		if r.stdout != "" {
			t.Errorf("%s: stdout = %q, want nothing", format, r.stdout)
		}
	}
}

func TestUnknownClient(t *testing.T) {
	r := cli(t, "state", "d:"+mockOrg+":nosuchtype:nosuchdevice")
	if r.code != exitError {
		t.Fatalf("exit status %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	for _, want := range []string{"HTTP 404", "CUDRS0002E", "request ID: "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if strings.Count(r.stderr, "CUDRS0002E") != 1 {
		t.Errorf("the error code is repeated:\n%s", r.stderr)
	}
}

func TestTimeout(t *testing.T) {
	r := cli(t, "history", "--device", demoDeviceBig, "--timeout", "1ns")
	if r.code != exitError {
		t.Fatalf("exit status %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "timed out after 1ns (raise --timeout)") {
		t.Errorf("stderr does not say it timed out:\n%s", r.stderr)
	}
}

func TestMockNote(t *testing.T) {
	r := cli(t, "history", "--device", demoDevice, "--limit", "1")
	mustSucceed(t, r)
	if n := strings.Count(r.stderr, "embedded mock server"); n != 1 {
		t.Errorf("stderr mentions the embedded mock %d times, want once:\n%s", n, r.stderr)
	}
	if strings.Contains(r.stdout, "mock") {
		t.Errorf("the note went to stdout:\n%s", r.stdout)
	}
}

func TestVersion(t *testing.T) {
	r := cli(t, "version")
	mustSucceed(t, r)
	if !strings.HasPrefix(r.stdout, "iotctl ") {
		t.Errorf("version = %q", r.stdout)
	}
}
