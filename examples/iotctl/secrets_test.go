package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The IAM password is scrubbed from what iotctl prints, as every other
// credential in the environment is.
func TestIAMPasswordIsScrubbedLikeOtherCredentials(t *testing.T) {
	const pw = "iam-Pass&word-42"
	a := &app{getenv: func(k string) string {
		if k == envIAMPassword {
			return pw
		}
		return ""
	}}
	if got := a.clean("login refused for " + pw); strings.Contains(got, pw) {
		t.Errorf("clean left the IAM password: %q", got)
	}
	attr := a.scrubAttr(nil, slog.String(slog.MessageKey, "login with "+pw))
	if got := attr.Value.String(); strings.Contains(got, pw) || !strings.Contains(got, "[redacted]") {
		t.Errorf("the --verbose log keeps the IAM password: %q", got)
	}
}

// --verbose logs the request ID the server sent: a server that echoes the
// token into it does not get it into the log.
func TestVerboseLogScrubsTheRequestID(t *testing.T) {
	const tok = "Echo&Tok(en)!?-1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-"+r.Header.Get("X-Auth-Token"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"commands":[]}`)
	}))
	defer srv.Close()
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL)
	t.Setenv(envIoTDAProject, "0123456789abcdef")
	t.Setenv(envIoTDAToken, tok)
	r := cliEnv(t, "history", "--device", "dev-1", "--verbose")
	mustSucceed(t, r)
	if !strings.Contains(r.stderr, "request_id=rid-[redacted]") || strings.Contains(r.stderr, "Echo&") {
		t.Errorf("--verbose log:\n%s", r.stderr)
	}
}
