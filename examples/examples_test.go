// Package examples checks what every example program promises: it builds
// from public packages only, -h prints its usage with the environment
// variables it reads and exits 0, an unknown flag prints the usage and
// exits 2, and what it prints against the fake reads well.
package examples

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/internal/envvar"
)

// programs are the example commands (examples/outsidemodule is a module of
// its own, tested by CI in its directory).
func programs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "outsidemodule" {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) < 6 {
		t.Fatalf("found only %q", dirs)
	}
	return dirs
}

// No example imports an internal package outside its tests, so each can
// be copied into a module of its own.
func TestNoInternalImports(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") {
				t.Errorf("%s imports %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bin holds the example programs, built once by build.
var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// build builds every example once and returns the path of name's binary.
func build(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds every example")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "examples"); binErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", binDir+string(filepath.Separator), "./...").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, name)
}

// result is one run of an example.
type result struct {
	stdout, stderr string
	code           int
}

// runExample runs the example name with args and an environment without
// any IOTCLIENT_* variable but those of env.
func runExample(t *testing.T, name string, env map[string]string, args ...string) result {
	t.Helper()
	cmd := exec.Command(build(t, name), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IOTCLIENT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// Each example takes -h (usage, exit 0) and refuses an unknown flag (usage,
// exit 2) without running its demo.
func TestHelpAndUnknownFlags(t *testing.T) {
	for _, name := range programs(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				arg  string
				code int
			}{{"-h", 0}, {"--help", 0}, {"--bogus", 2}} {
				r := runExample(t, name, nil, tc.arg)
				out := r.stdout + r.stderr
				if r.code != tc.code {
					t.Errorf("%s %s: exit status %d, want %d\n%s", name, tc.arg, r.code, tc.code, out)
				}
				if !strings.Contains(strings.ToLower(out), "usage") {
					t.Errorf("%s %s printed no usage:\n%s", name, tc.arg, out)
				}
				if strings.Contains(out, "http://127.0.0.1") || strings.Contains(out, "tcp://127.0.0.1") {
					t.Errorf("%s %s ran its demo:\n%s", name, tc.arg, out)
				}
			}
		})
	}
}

var (
	envName       = regexp.MustCompile(`IOTCLIENT_[A-Z0-9_]+`)
	quotedEnvName = regexp.MustCompile(`"(IOTCLIENT_[A-Z0-9_]+)"`)
)

// configFromEnv maps each of the SDK's ConfigFromEnv calls to the
// variables it reads; the godoc of the first function named lists them.
var configFromEnv = map[string]struct {
	doc   string // what -h names: the function whose godoc lists them
	names []string
}{
	"commands.ConfigFromEnv()":    {"commands.ConfigFromEnv", envvar.IoTDA},
	"clientstate.ConfigFromEnv()": {"clientstate.ConfigFromEnv", envvar.IBM},
	"live.ConfigFromEnv()":        {"clientstate.ConfigFromEnv", envvar.IBM},
}

// read lists the environment variables an example reads: own are the ones
// its source names, quoted those of them it names in a Go string of their
// own (as os.Getenv's argument or a constant, not in prose), sdk those of
// the SDK's ConfigFromEnv it calls, by the function whose godoc lists them.
func read(t *testing.T, dir string) (own, quoted []string, sdk map[string][]string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen, inQuotes := map[string]bool{}, map[string]bool{}
	sdk = map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range envName.FindAllString(string(src), -1) {
			if !strings.HasSuffix(name, "_") { // IOTCLIENT_IOTDA_* in prose
				seen[name] = true
			}
		}
		for _, m := range quotedEnvName.FindAllStringSubmatch(string(src), -1) {
			inQuotes[m[1]] = true
		}
		for call, c := range configFromEnv {
			if strings.Contains(string(src), call) {
				sdk[c.doc] = c.names
			}
		}
	}
	return slices.Sorted(maps.Keys(seen)), slices.Sorted(maps.Keys(inQuotes)), sdk
}

// -h lists every environment variable the example reads itself, and names
// the SDK function whose godoc lists the platform's variables rather than
// copying that list: the godoc is the one place it is written (unless the
// program names every one of them itself, as iotctl's flags do).
func TestHelpListsTheEnvironment(t *testing.T) {
	for _, name := range programs(t) {
		t.Run(name, func(t *testing.T) {
			r := runExample(t, name, nil, "-h")
			help := r.stdout + r.stderr
			own, quoted, sdk := read(t, name)
			for _, v := range own {
				if !strings.Contains(help, v) {
					t.Errorf("%s -h does not list %s:\n%s", name, v, help)
				}
			}
			for fn, names := range sdk {
				if !slices.ContainsFunc(names, func(v string) bool { return !slices.Contains(quoted, v) }) {
					continue // iotctl: its flags stand for the variables, so it lists each
				}
				if !strings.Contains(help, fn) {
					t.Errorf("%s -h does not name %s, whose godoc lists %s:\n%s", name, fn, names, help)
				}
				for _, v := range names {
					if !slices.Contains(quoted, v) && strings.Contains(help, v) {
						t.Errorf("%s -h copies %s from the godoc of %s:\n%s", name, v, fn, help)
					}
				}
			}
		})
	}
	own, _, sdk := read(t, "sendcommand")
	if !slices.Contains(sdk["commands.ConfigFromEnv"], envvar.IAMPassword) || !slices.Contains(own, "IOTCLIENT_IOTDA_WAIT") {
		t.Errorf("sendcommand reads %q and %q", own, sdk)
	}
}

// The godoc the examples' -h points at lists every variable of its
// function.
func TestConfigFromEnvGodocListsTheVariables(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go doc")
	}
	for _, c := range configFromEnv {
		out, err := exec.Command("go", "doc", "github.com/iotclient/iotclient-go/"+c.doc).CombinedOutput()
		if err != nil {
			t.Fatalf("go doc %s: %v\n%s", c.doc, err, out)
		}
		for _, v := range c.names {
			if !strings.Contains(string(out), v) {
				t.Errorf("go doc %s does not list %s:\n%s", c.doc, v, out)
			}
		}
	}
}

// demos are the examples that talk to a platform, with the arguments that
// keep their run short.
var demos = map[string][]string{
	"quickstart":     nil,
	"clientstate":    nil,
	"commandhistory": nil,
	"sendcommand":    nil,
	"monitor":        {"-duration", "3s"},
	"pushwait":       nil,
}

// Without any IOTCLIENT_* variable each example says it talks to the
// embedded fake, and its output reads as a person writes: every line
// within 120 columns, durations in days and hours (19d17h, not
// 473h42m22s), no Go map syntax, no raw close codes.
func TestDemosAgainstTheFake(t *testing.T) {
	longHours := regexp.MustCompile(`\b([0-9]{3,}|2[4-9]|[3-9][0-9])h|\b[0-9]+h[0-9]+m[0-9]+s\b`)
	for name, args := range demos {
		t.Run(name, func(t *testing.T) {
			r := runExample(t, name, nil, args...)
			if r.code != 0 {
				t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			first, _, _ := strings.Cut(r.stdout, "\n")
			if !strings.Contains(first, ": the embedded fake") {
				t.Errorf("the first line does not say the fake serves: %q", first)
			}
			for i, line := range strings.Split(r.stdout, "\n") {
				if n := utf8.RuneCountInString(line); n > 120 {
					t.Errorf("line %d is %d columns wide:\n%s", i+1, n, line)
				}
				if m := longHours.FindString(line); m != "" {
					t.Errorf("line %d shows a duration as %q:\n%s", i+1, m, line)
				}
				if strings.Contains(line, "map[") {
					t.Errorf("line %d shows Go map syntax:\n%s", i+1, line)
				}
			}
		})
	}
}

// A platform is real as soon as one of its variables is set: an incomplete
// configuration is an error naming the variable to set, never a silent
// fallback to the fake.
func TestIncompleteEnvironmentNamesTheVariable(t *testing.T) {
	iotda := map[string]string{envvar.IoTDAProjectID: commandstest.ProjectID}
	ibm := map[string]string{envvar.IBMOrg: "ab12cd"}
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"quickstart":     {iotda, envvar.IoTDAEndpoint},
		"commandhistory": {iotda, envvar.IoTDAEndpoint},
		"sendcommand":    {iotda, envvar.IoTDAEndpoint},
		"pushwait":       {iotda, envvar.IoTDAEndpoint},
		"clientstate":    {ibm, envvar.IBMAPIKey},
		"monitor":        {ibm, envvar.IBMAPIKey},
	} {
		r := runExample(t, name, tc.env, demos[name]...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, "embedded fake") {
			t.Errorf("%s: exit %d, want 1 naming %s\nstdout:\n%s\nstderr:\n%s", name, r.code, tc.want, r.stdout, r.stderr)
		}
	}
}

// iotdaEnv points an example at srv as if it were the real platform.
func iotdaEnv(srv *commandstest.Server, device string) map[string]string {
	return map[string]string{
		envvar.IoTDAEndpoint: srv.URL(), envvar.IoTDAProjectID: commandstest.ProjectID,
		envvar.IoTDAAK: commandstest.AccessKey, envvar.IoTDASK: commandstest.SecretKey,
		"IOTCLIENT_IOTDA_DEVICE_ID": device,
	}
}

// sendcommand sends to a real platform only with -yes; the fake needs none
// (TestDemosAgainstTheFake).
func TestSendCommandNeedsYesForARealPlatform(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("pump-1")
	env := iotdaEnv(srv, "pump-1")
	env["IOTCLIENT_IOTDA_WAIT"] = "1s" // the fake's commands stay PENDING

	r := runExample(t, "sendcommand", env)
	if r.code != 1 || !strings.Contains(r.stdout, "would deliver Switch/ON_OFF") || !strings.Contains(r.stderr, "-yes") {
		t.Errorf("without -yes: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(srv.Commands("pump-1")); n != 0 {
		t.Fatalf("without -yes, %d commands were sent", n)
	}
	if first, _, _ := strings.Cut(r.stdout, "\n"); first != "Huawei IoTDA: "+srv.URL() {
		t.Errorf("the first line does not name the platform: %q", first)
	}

	r = runExample(t, "sendcommand", env, "-yes")
	if r.code != 0 || len(srv.Commands("pump-1")) != 1 {
		t.Errorf("with -yes: exit %d, %d commands sent\nstdout:\n%s\nstderr:\n%s", r.code, len(srv.Commands("pump-1")), r.stdout, r.stderr)
	}
}

// commandhistory says how many of how many failed commands it shows, and
// reads a device with no history without indexing an empty page.
func TestCommandHistoryCountsAndEmptyHistory(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.Seed("meter-1", 300, 3)
	srv.AddDevice("meter-0")

	r := runExample(t, "commandhistory", iotdaEnv(srv, "meter-1"))
	if r.code != 0 || !regexp.MustCompile(`(?m)^3 of the [0-9]+ commands that failed in the last week`).MatchString(r.stdout) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runExample(t, "commandhistory", iotdaEnv(srv, "meter-0"))
	if r.code != 0 || !strings.Contains(r.stdout, "no command failed") || !strings.Contains(r.stdout, "an empty page") {
		t.Errorf("an empty history: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// quickstart lists drops by cause, and a 288 (client ID reused) is not one.
func TestQuickstartShowsCausesNotReusedIDs(t *testing.T) {
	r := runExample(t, "quickstart", nil)
	_, drops, ok := strings.Cut(r.stdout, "Most recent drops:\n")
	if r.code != 0 || !ok {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	header, rows, _ := strings.Cut(drops, "\n")
	if !strings.Contains(header, "CAUSE") || strings.Contains(header, "CODE") {
		t.Errorf("header %q", header)
	}
	for _, row := range strings.Split(rows, "\n") {
		if strings.Contains(row, string(clientstate.CauseDuplicateClientID)) {
			t.Errorf("a reused client ID listed as a drop: %q", row)
		}
	}
}

// monitor counts drops by cause without the 288s, whose clients stayed
// online.
func TestMonitorDoesNotCountReusedIDsAsDrops(t *testing.T) {
	r := runExample(t, "monitor", nil, demos["monitor"]...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	m := regexp.MustCompile(`-- why they dropped: ([0-9]+) drops`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no drop count:\n%s", r.stdout)
	}
	sum := 0
	for _, c := range clientstate.Causes() {
		n := regexp.MustCompile(`(?m)^   ` + string(c) + ` +([0-9]+)$`).FindStringSubmatch(r.stdout)
		if n == nil {
			continue
		}
		if c == clientstate.CauseDuplicateClientID {
			t.Errorf("a reused client ID counted as a drop:\n%s", r.stdout)
		}
		v, _ := strconv.Atoi(n[1])
		sum += v
	}
	if total, _ := strconv.Atoi(m[1]); total != sum || total == 0 {
		t.Errorf("%d drops, but the causes add up to %d:\n%s", total, sum, r.stdout)
	}
}

// pushwaitCounts reads the two counts pushwait prints.
func pushwaitCounts(t *testing.T, out string) (byPush, byPoll int) {
	t.Helper()
	push := regexp.MustCompile(`(?m)^  resolved by push: +([0-9]+) `).FindStringSubmatch(out)
	poll := regexp.MustCompile(`(?m)^  resolved by polling fallback: +([0-9]+) `).FindStringSubmatch(out)
	if push == nil || poll == nil {
		t.Fatalf("no counts:\n%s", out)
	}
	byPush, _ = strconv.Atoi(push[1])
	byPoll, _ = strconv.Atoi(poll[1])
	return byPush, byPoll
}

// pushwait resolves all 100 commands, by push but for those whose pushes
// the fake dropped on purpose, which polling resolves, and says so.
func TestPushWaitCountsPushAndPolling(t *testing.T) {
	r := runExample(t, "pushwait", nil)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	byPush, byPoll := pushwaitCounts(t, r.stdout)
	dropped := regexp.MustCompile(`(?m)^the fake dropped the pushes of ([0-9]+) commands on purpose$`).FindStringSubmatch(r.stdout)
	if dropped == nil {
		t.Fatalf("the output does not say the fake dropped pushes:\n%s", r.stdout)
	}
	if n, _ := strconv.Atoi(dropped[1]); byPush+byPoll != 100 || byPush == 0 || byPoll != n || n == 0 {
		t.Errorf("by push %d, by polling %d, dropped %s: want 100 in all, polling exactly the dropped ones\n%s",
			byPush, byPoll, dropped[1], r.stdout)
	}
	if !regexp.MustCompile(`(?m)^all 100 outcomes in .*: [0-9]+ SUCCESSFUL, [0-9]+ (FAILED|TIMEOUT), [0-9]+ (FAILED|TIMEOUT)$`).MatchString(r.stdout) {
		t.Errorf("no tally of the outcomes:\n%s", r.stdout)
	}
}

// pushwait delivers on a real platform only with -yes and -listen; given
// both, the platform's pushes resolve every command without a read.
func TestPushWaitNeedsYesAndListenForARealPlatform(t *testing.T) {
	srv := commandstest.NewServer(commandstest.WithLifecycle(commandstest.Lifecycle{
		DeliverAfter: 100 * time.Millisecond, RespondAfter: 100 * time.Millisecond,
	}))
	defer srv.Close()
	srv.AddDevice("pump-1")
	env := iotdaEnv(srv, "pump-1")

	r := runExample(t, "pushwait", env, "-n", "3")
	if r.code != 1 || !strings.Contains(r.stderr, "-listen") || len(srv.Commands("pump-1")) != 0 {
		t.Errorf("without -listen: exit %d, %d commands sent\nstdout:\n%s\nstderr:\n%s", r.code, len(srv.Commands("pump-1")), r.stdout, r.stderr)
	}
	addr := freeAddr(t)
	r = runExample(t, "pushwait", env, "-n", "3", "-listen", addr)
	if r.code != 1 || !strings.Contains(r.stdout, "would deliver 3 commands to pump-1") || !strings.Contains(r.stderr, "-yes") ||
		len(srv.Commands("pump-1")) != 0 {
		t.Errorf("without -yes: exit %d, %d commands sent\nstdout:\n%s\nstderr:\n%s", r.code, len(srv.Commands("pump-1")), r.stdout, r.stderr)
	}
	if err := srv.PushTo("http://" + addr + "/"); err != nil { // the project's forwarding rule
		t.Fatal(err)
	}
	r = runExample(t, "pushwait", env, "-n", "3", "-listen", addr, "-yes")
	if r.code != 0 {
		t.Fatalf("with -yes: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if byPush, byPoll := pushwaitCounts(t, r.stdout); byPush != 3 || byPoll != 0 || len(srv.Commands("pump-1")) != 3 {
		t.Errorf("by push %d, by polling %d, %d sent:\n%s", byPush, byPoll, len(srv.Commands("pump-1")), r.stdout)
	}
	if first, _, _ := strings.Cut(r.stdout, "\n"); first != "Huawei IoTDA: "+srv.URL() || strings.Contains(r.stdout, "fake") {
		t.Errorf("the output does not name the platform, or speaks of the fake:\n%s", r.stdout)
	}
}

// freeAddr is a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
