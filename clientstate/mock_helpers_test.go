package clientstate_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
)

// The fake's routes, as the client's requests name them.
const (
	listPath   = "/api/v0002/clientconnectionstates"
	getPath    = listPath + "/" // and the client ID
	logsPath   = "/api/v0002/logs/connection"
	configPath = "/api/v0002/config/clientstate"
)

// fake is the public fake, watched through a transport wrapped around its
// in-memory one, as a user's test would see what its client sends.
type fake struct {
	*clientstatetest.Server
	mu   sync.Mutex
	sent []sentRequest
}

// sentRequest is what the client sent on one attempt.
type sentRequest struct {
	Method, Path, RawQuery string
	Body                   []byte
}

func (f *fake) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := sentRequest{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery}
	if r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			rec.Body, _ = io.ReadAll(b)
		}
	}
	f.mu.Lock()
	f.sent = append(f.sent, rec)
	f.mu.Unlock()
	return f.Client().Transport.RoundTrip(r)
}

// matches reports whether a request to p is one to path: exactly, or below
// a path that ends in a slash.
func matches(p, path string) bool {
	if strings.HasSuffix(path, "/") {
		return strings.HasPrefix(p, path)
	}
	return p == path
}

// requests counts the attempts the client sent to path.
func (f *fake) requests(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.sent {
		if matches(r.Path, path) {
			n++
		}
	}
	return n
}

// last is the last request the client sent to path.
func (f *fake) last(t *testing.T, path string) sentRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.sent) - 1; i >= 0; i-- {
		if matches(f.sent[i].Path, path) {
			return f.sent[i]
		}
	}
	t.Fatalf("no request to %s", path)
	return sentRequest{}
}

// newMockClient starts the public fake and a client for it (with opts);
// the fake is closed when the test ends.
func newMockClient(t *testing.T, opts ...iotclient.Option) (*fake, *clientstate.Client) {
	t.Helper()
	f := &fake{Server: clientstatetest.NewServer()}
	t.Cleanup(f.Close)
	c, err := f.NewClient(append([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: f})}, opts...)...)
	require.NoError(t, err)
	return f, c
}

// deviceParts splits a d: or g: client ID by hand (not with the SDK's
// parser, whose output the tests check).
func deviceParts(id string) (typeID, deviceID string, ok bool) {
	p := strings.Split(id, ":")
	if len(p) != 4 || (p[0] != "d" && p[0] != "g") {
		return "", "", false
	}
	return p[2], p[3], true
}

// ids returns the client IDs of the states that satisfy keep, in order.
func ids(states []clientstate.State, keep func(clientstate.State) bool) []string {
	var out []string
	for _, c := range states {
		if keep(c) {
			out = append(out, c.ClientID)
		}
	}
	return out
}

// everyState keeps every state.
func everyState(clientstate.State) bool { return true }
