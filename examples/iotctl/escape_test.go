package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// evil is what a hostile server puts in a field: an OSC sequence that sets
// the terminal's title (and, in some terminals, worse).
const (
	evil        = "\x1b]0;evil\x07"
	evilEscaped = `\x1b]0;evil\x07`
)

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"plain ünïcode":     "plain ünïcode",
		evil:                evilEscaped,
		"a\nb\tc\rd":        `a\nb\tc\rd`,
		"csi \u009b2J":      `csi \u009b2J`,
		"lone \x9b byte":    `lone \x9b byte`,
		"del \x7f":          `del \x7f`,
		"rtl \u202eabc":     `rtl \u202eabc`,
		"isolate \u2066x":   `isolate \u2066x`,
		"nul \x00 and \x1f": `nul \x00 and \x1f`,
	} {
		if got := escapeText(in, ""); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeText("a\nb\tc\x1b", csvKeep); got != "a\nb\tc\\x1b" {
		t.Errorf("CSV keeps line breaks and tabs only: %q", got)
	}
	if got := string(appendJSONString(nil, "q\"b\\\n<&>\xff\u2028")); got != `"q\"b\\\n<&>\ufffd\u2028"` {
		t.Errorf("quotes, newline, HTML characters, invalid UTF-8, U+2028: %s", got)
	}
	if got := string(appendJSONString(nil, "x\u009b\u202e\x7f")); got != `"x\u009b\u202e\u007f"` {
		t.Errorf("JSON escapes C1, bidi and DEL: %s", got)
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"g2wAAAABaANkAB1ub2RlMUBjb3VjaGRiLmV4YW1wbGUuY29t": "g2wAAAABaANkAB1ub2RlMUBjb3VjaGRiLmV4YW1wbGUuY29t", // nothing to quote
		"65f1c0ffee00000000000001":                         "65f1c0ffee00000000000001",
		"a-b_c.d/e:f,g@h%i+j=k":                            "a-b_c.d/e:f,g@h%i+j=k",
		"":                                                 "''",
		"two words":                                        "'two words'",
		"it's":                                             `'it'\''s'`,
		"$(reboot)`id`;|&<>*?[~#!{}\"\\":                   `'$(reboot)` + "`id`" + `;|&<>*?[~#!{}"\'`,
		"x" + evil:                                         `'x` + evilEscaped + `'`,
		"\u202etxt.exe\n":                                  `'\u202etxt.exe\n'`,
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}

// noControls fails if out holds a byte a terminal would obey.
func noControls(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
		t.Errorf("%s holds raw control characters:\n%q", what, out)
	}
}

// Server data with escape sequences is printed escaped, in every format.
func TestServerTextIsEscaped(t *testing.T) {
	m := commandstest.NewServer()
	defer m.Close()
	m.AddDevice("dev-1")
	now := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	if err := m.Add("dev-1", commands.Command{
		ID: "cmd-1", ServiceID: "svc" + evil, Name: "reboot\u202e" + evil,
		Status: commands.StatusSuccessful, SendStrategy: commands.SendImmediately,
		CreatedAt: now, SentAt: now, DeliveredAt: now, RespondedAt: now,
		Params: []byte(`{"note":"\u001b]0;evil\u0007"}`), Result: []byte(`{"r":"\u009b2J"}`),
	}); err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, m.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, commandstest.Token)
	for _, format := range []string{"table", "csv", "jsonl"} {
		r := cliEnv(t, "history", "--device", "dev-1", "--format", format)
		mustSucceed(t, r)
		noControls(t, format, r.stdout)
		if format != "jsonl" && !strings.Contains(r.stdout, evilEscaped) {
			t.Errorf("%s: the sequence is not shown escaped:\n%s", format, r.stdout)
		}
	}
	_, rows := readCSV(t, cliEnv(t, "history", "--device", "dev-1", "--format", "csv").stdout)
	if len(rows) != 1 || rows[0]["service_id"] != "svc"+evilEscaped {
		t.Errorf("CSV rows: %q", rows)
	}
}

// An error from the platform is printed escaped, and without the
// credential it may echo.
func TestAPIErrorIsEscapedAndScrubbed(t *testing.T) {
	const token = "tok-s3cr3t-echoed"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_code":"IOTDA.000006\u001b[2J","error_msg":"bad \u001b]0;evil\u0007 request; got X-Auth-Token ` + r.Header.Get("X-Auth-Token") + `\nhint: fake line"}`))
	}))
	defer srv.Close()
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL)
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, token)
	r := cliEnv(t, "history", "--device", "dev-1")
	if r.code != exitError || !strings.Contains(r.stderr, "HTTP 400") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	noControls(t, "stderr", r.stderr)
	if !strings.Contains(r.stderr, evilEscaped) {
		t.Errorf("the message is not shown escaped:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "\nhint: fake line") {
		t.Errorf("the server started a line of its own:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, token) {
		t.Errorf("the echoed token reached stderr:\n%s", r.stderr)
	}
}

// Usage errors name what is missing, never a credential.
func TestUsageErrorsPrintNoCredential(t *testing.T) {
	const key, token = "a-ab12cd-k3yk3yk3ys3cr3t", "t0k3n-s3cr3t"
	clearEnv(t)
	r := cliEnv(t, "states", "--api-key", key)
	if r.code != exitUsage || !strings.Contains(r.stderr, envIBMAPIToken) {
		t.Errorf("API key without token: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, key) {
		t.Errorf("the API key is printed:\n%s", r.stderr)
	}

	t.Setenv(envIBMAPIToken, token)
	r = cliEnv(t, "states", "--api-key", "nodashes"+key)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--org") {
		t.Errorf("key without an org: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, key) || strings.Contains(r.stderr, token) {
		t.Errorf("a credential is printed:\n%s", r.stderr)
	}

	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, "https://user:pw-s3cr3t@iotda.example.com/?token="+token)
	t.Setenv(envIoTDAToken, token)
	r = cliEnv(t, "history", "--device", "d")
	if r.code != exitUsage || !strings.Contains(r.stderr, "iotda.example.com") {
		t.Errorf("no project: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, token) || strings.Contains(r.stderr, "pw-s3cr3t") {
		t.Errorf("a credential in the endpoint is printed:\n%s", r.stderr)
	}
}

// Newline, tab and carriage return are written by name, as Go writes
// them; keep lets the first two through as they are.
func TestEscapeTextNamedControls(t *testing.T) {
	for _, tc := range []struct{ in, keep, want string }{
		{"a\nb\tc\rd\x0be", "", `a\nb\tc\rd\x0be`},
		{"a\nb\tc\rd", "\n\t", "a\nb\tc\\rd"},
	} {
		if got := escapeText(tc.in, tc.keep); got != tc.want {
			t.Errorf("escapeText(%q, %q) = %q, want %q", tc.in, tc.keep, got, tc.want)
		}
	}
}
