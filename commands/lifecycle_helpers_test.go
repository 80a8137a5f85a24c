package commands_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
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

// lcStart is the mock clock's starting time in lifecycle tests.
var lcStart = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

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

// lcE2E starts the mock (with mopts) and a client authenticated with the
// static token (so a manual mock clock does not upset AK/SK signatures).
func lcE2E(t *testing.T, opts []iotclient.Option, mopts ...mockserver.Option) (*mockserver.Server, *commands.Client) {
	t.Helper()
	s := mockserver.New(mopts...)
	t.Cleanup(s.Close)
	c, err := commands.NewClient(commands.Config{
		Endpoint:  s.URL(),
		ProjectID: mockserver.ProjectID,
		Auth:      auth.Token(mockserver.Token),
	}, opts...)
	require.NoError(t, err)
	return s, c
}

// lcLifecycle is a mock on a manual clock whose commands progress, with
// device lcDevice and outcomes by command name.
func lcLifecycle(t *testing.T, opts ...iotclient.Option) (*mockserver.Server, *commands.Client, *mockserver.Clock) {
	t.Helper()
	clk := mockserver.NewClock(lcStart)
	s, c := lcE2E(t, opts, mockserver.WithClock(clk.Now), mockserver.WithLifecycle(mockserver.Lifecycle{
		Outcomes: map[string]string{
			"REBOOT_FAILS":  mockserver.StatusFailed,
			"REBOOT_HANGS":  mockserver.StatusTimeout,
			"REBOOT_ASLEEP": mockserver.StatusExpired,
		},
	}))
	s.AddDevice(lcDevice)
	return s, c, clk
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
