// Package proxytest helps test that requests to loopback endpoints never
// go through the proxy the environment names: a proxy that records what
// reaches it, and a way to run a test in a process of its own, since
// net/http reads HTTP_PROXY once per process.
package proxytest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Proxy is an HTTP proxy that records every request that reaches it
// (CONNECT included) and answers 502 Bad Gateway, forwarding nothing.
type Proxy struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

// New starts a recording proxy, closed when the test ends.
func New(t testing.TB) *Proxy {
	p := &Proxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, r.Method != http.MethodConnect)
		p.mu.Lock()
		p.seen = append(p.seen, string(dump))
		p.mu.Unlock()
		http.Error(w, "recording proxy: nothing is forwarded", http.StatusBadGateway)
	}))
	t.Cleanup(p.Close)
	return p
}

// Seen returns the requests that reached the proxy, each as sent.
func (p *Proxy) Seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

const childEnv = "IOTCLIENT_PROXYTEST_CHILD"

// Isolated runs the calling top-level test again in a new process of the
// test binary and fails t if it fails there; it returns true in that new
// process, where the test does its work. net/http reads the proxy
// environment once per process, so only there does a t.Setenv of
// HTTP_PROXY made before the first request take effect.
func Isolated(t *testing.T) bool {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	switch {
	case err != nil:
		t.Fatalf("the test failed in its own process: %v\n%s", err, out)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()+" "):
		t.Fatalf("the test did not run in its own process:\n%s", out)
	}
	return false
}
