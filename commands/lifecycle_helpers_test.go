package commands_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// Helpers of the Create/Get/Wait/Count/Queue/FleetHistory tests, prefixed
// lc so they cannot clash with the history tests' helpers.

const (
	lcEndpoint = "https://iotda.cn-north-4.myhuaweicloud.com"
	lcProject  = "0123456789abcdef0123456789abcdef"
	lcDevice   = "dev-1"
	lcBase     = lcEndpoint + "/v5/iot/" + lcProject + "/devices/" + lcDevice
	lcCmdID    = "5c8f3d2d3df1f10d803adbdb"
)

// lcUnit is a client over httpmock. Retries are on (the default 3) with a
// tiny backoff unless opts say otherwise.
func lcUnit(t *testing.T, opts ...iotclient.Option) (*commands.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]iotclient.Option{
		iotclient.WithHTTPClient(&http.Client{Transport: mt}),
		iotclient.WithBackoff(time.Millisecond, time.Millisecond),
	}, opts...)
	c, err := commands.NewClient(commands.Config{
		Endpoint:  lcEndpoint,
		ProjectID: lcProject,
		Auth:      auth.Token("unit-token"),
	}, opts...)
	require.NoError(t, err)
	return c, mt
}

// fake is the public fake, watched through a transport wrapped around its
// in-memory one, as a user's test would see what its client sends.
type fake struct {
	*commandstest.Server
	mu   sync.Mutex
	sent []*http.Request // clones, without their bodies
}

func (f *fake) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.sent = append(f.sent, r.Clone(context.Background()))
	f.mu.Unlock()
	return f.Client().Transport.RoundTrip(r)
}

// route tells the requests of one of the fake's IoTDA routes.
type route func(method, path string) bool

func queueRoute(m, p string) bool {
	return m == http.MethodGet && strings.HasSuffix(p, "/async-commands")
}
func getRoute(m, p string) bool {
	return m == http.MethodGet && strings.Contains(p, "/async-commands/")
}
func countRoute(m, p string) bool {
	return m == http.MethodPost && strings.HasSuffix(p, "/async-commands-history/count")
}

// requests counts the attempts the client sent on r.
func (f *fake) requests(r route) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, req := range f.sent {
		if r(req.Method, req.URL.Path) {
			n++
		}
	}
	return n
}

// last is the last request the client sent on r.
func (f *fake) last(t *testing.T, r route) *http.Request {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.sent) - 1; i >= 0; i-- {
		if r(f.sent[i].Method, f.sent[i].URL.Path) {
			return f.sent[i]
		}
	}
	t.Fatal("no such request")
	return nil
}

// lcE2E starts the public fake (with fopts) and a client for it (with
// opts); the fake is closed when the test ends.
func lcE2E(t *testing.T, opts []iotclient.Option, fopts ...commandstest.Option) (*fake, *commands.Client) {
	t.Helper()
	f := &fake{Server: commandstest.NewServer(fopts...)}
	t.Cleanup(f.Close)
	c, err := f.NewClient(append([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: f})}, opts...)...)
	require.NoError(t, err)
	return f, c
}

// lcLifecycle is a fake whose commands progress, with device lcDevice and
// outcomes by command name. Run it in a testing/synctest bubble, where
// time.Sleep moves the lifecycle on at once.
func lcLifecycle(t *testing.T, opts ...iotclient.Option) (*fake, *commands.Client) {
	t.Helper()
	s, c := lcE2E(t, opts, commandstest.WithLifecycle(commandstest.Lifecycle{
		Outcomes: map[string]commands.Status{
			"REBOOT_FAILS":  commands.StatusFailed,
			"REBOOT_HANGS":  commands.StatusTimeout,
			"REBOOT_ASLEEP": commands.StatusExpired,
		},
	}))
	s.AddDevice(lcDevice)
	return s, c
}

// The lifecycle's default steps (commandstest.Lifecycle).
const (
	lcSendAfter    = 10 * time.Second
	lcDeliverAfter = time.Second
	lcRespondAfter = 2 * time.Second
)

// inHistory reports whether the platform's history lists c: final
// statuses and DELIVERED; PENDING and SENT commands are in the queue only.
func inHistory(c commands.Command) bool {
	return c.Status != commands.StatusPending && c.Status != commands.StatusSent
}

// historyOnly returns the commands of cmds the history lists, in order.
func historyOnly(cmds []commands.Command) []commands.Command {
	var out []commands.Command
	for _, c := range cmds {
		if inHistory(c) {
			out = append(out, c)
		}
	}
	return out
}

// genID is the ID of command i of a generated history: increasing with i,
// as IoTDA's IDs increase with creation.
func genID(i int) string { return fmt.Sprintf("%024x", i+1) }

// generate stores a history of n SUCCESSFUL commands for deviceID, command
// i having ID genID(i) (n-1 is the newest).
func generate(t testing.TB, s *commandstest.Server, deviceID string, n int) {
	t.Helper()
	cmds := make([]commands.Command, n)
	for i := range cmds {
		cmds[i] = commands.Command{ID: genID(i), ServiceID: "Switch", Name: "ON_OFF", Status: commands.StatusSuccessful,
			SendStrategy: commands.SendImmediately}
	}
	s.AddDevice(deviceID)
	require.NoError(t, s.Add(deviceID, cmds...))
}

// lcJSON is a responder answering status with v as JSON.
func lcJSON(status int, v any) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		var body string
		switch v := v.(type) {
		case string:
			body = v
		default:
			b, err := json.Marshal(v, json.Deterministic(true))
			if err != nil {
				return nil, err
			}
			body = string(b)
		}
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Request-Id", "rid-unit")
		resp.Request = r
		return resp, nil
	}
}

// lcRecord is a command record as the platform sends it.
func lcRecord(id, status string) map[string]any {
	return map[string]any{
		"device_id": lcDevice, "command_id": id, "service_id": "Switch", "command_name": "ON_OFF",
		"paras": map[string]any{"value": "1"}, "expire_time": 0, "status": status,
		"created_time": "20240601T120000Z", "send_strategy": "immediately",
	}
}

// lcBody reads a request's body.
func lcBody(t *testing.T, r *http.Request) string {
	t.Helper()
	if r.Body == nil {
		return ""
	}
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(b)
}

var lcCtx = context.Background()

func mustRegexp(s string) *regexp.Regexp { return regexp.MustCompile(s) }
