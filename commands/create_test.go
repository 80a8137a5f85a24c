package commands_test

import (
	"context"
	stdjson "encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func TestCreateSendsTheDocumentedBody(t *testing.T) {
	c, mt := lcUnit(t)
	var got string
	mt.RegisterResponder("POST", lcBase+"/async-commands", func(r *http.Request) (*http.Response, error) {
		got = lcBody(t, r)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "unit-token", r.Header.Get("X-Auth-Token"))
		rec := lcRecord(lcCmdID, "PENDING")
		rec["send_strategy"], rec["expire_time"] = "delay", 86400
		return lcJSON(200, rec)(r)
	})
	cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{
		ServiceID: "Switch",
		Name:      "ON_OFF",
		Params:    map[string]string{"value": "1"},
		Expire:    24 * time.Hour,
		Strategy:  commands.SendDelay,
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"service_id":"Switch","command_name":"ON_OFF","paras":{"value":"1"},"expire_time":86400,"send_strategy":"delay"}`, got)
	assert.Equal(t, lcCmdID, cmd.ID)
	assert.Equal(t, commands.StatusPending, cmd.Status)
	assert.Equal(t, commands.SendDelay, cmd.SendStrategy)
	assert.Equal(t, 24*time.Hour, cmd.Expire)
	assert.JSONEq(t, `{"value":"1"}`, string(cmd.Params))
	assert.Equal(t, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), cmd.CreatedAt)
}

func TestCreateDefaults(t *testing.T) {
	c, mt := lcUnit(t)
	var bodies []string
	mt.RegisterResponder("POST", lcBase+"/async-commands", func(r *http.Request) (*http.Response, error) {
		bodies = append(bodies, lcBody(t, r))
		return lcJSON(200, lcRecord(lcCmdID, "SENT"))(r)
	})
	_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "REBOOT"})
	require.NoError(t, err)
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Params: stdjson.RawMessage(" {\n \"a\" : [1, 2] }\n")})
	require.NoError(t, err)
	type params struct {
		Brightness int `json:"brightness"`
	}
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Params: &params{Brightness: 80}})
	require.NoError(t, err)
	require.Len(t, bodies, 3)
	// Issue 12, point 8: zero values are the platform's defaults, the
	// official model's optional members are left out, and the required
	// send_strategy is sent as the documented default, "delay".
	assert.JSONEq(t, `{"command_name":"REBOOT","paras":{},"send_strategy":"delay"}`, bodies[0],
		"nil Params is {}, empty Strategy is delay, empty ServiceID and zero Expire are left out")
	assert.JSONEq(t, `{"paras":{"a":[1,2]},"send_strategy":"delay"}`, bodies[1], "no service_id, no command_name")
	assert.Contains(t, bodies[1], `"paras":{"a":[1,2]}`, "raw JSON is sent compacted")
	assert.Contains(t, bodies[2], `"paras":{"brightness":80}`)
}

func TestCreateParamsSizeBoundary(t *testing.T) {
	c, mt := lcUnit(t)
	mt.RegisterResponder("POST", lcBase+"/async-commands", lcJSON(200, lcRecord(lcCmdID, "SENT")))
	// {"v":"xxx..."} is 8 bytes plus the string.
	exact := map[string]string{"v": strings.Repeat("x", commands.MaxParamsSize-8)}
	_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Params: exact})
	require.NoError(t, err, "exactly 32 KB is allowed")
	over := map[string]string{"v": strings.Repeat("x", commands.MaxParamsSize-7)}
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Params: over})
	var ve *iotclient.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "NewCommand.Params", ve.Field)
	assert.Contains(t, ve.Reason, "32769 bytes")
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestCreateValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	ok := commands.NewCommand{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]int{"v": 1}}
	with := func(f func(*commands.NewCommand)) commands.NewCommand { n := ok; f(&n); return n }
	cases := []struct {
		name, device, field string
		cmd                 commands.NewCommand
	}{
		{"bad device", "dev/1", "deviceID", ok},
		{"empty device", "", "deviceID", ok},
		{"service 65", lcDevice, "NewCommand.ServiceID", with(func(n *commands.NewCommand) { n.ServiceID = strings.Repeat("s", 65) })},
		{"service bad UTF-8", lcDevice, "NewCommand.ServiceID", with(func(n *commands.NewCommand) { n.ServiceID = "\xff" })},
		{"name 129", lcDevice, "NewCommand.Name", with(func(n *commands.NewCommand) { n.Name = strings.Repeat("n", 129) })},
		{"params string", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = "on" })},
		{"params array", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = []int{1} })},
		{"params raw array", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = stdjson.RawMessage(`[1]`) })},
		{"params raw invalid", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = stdjson.RawMessage(`{"a":`) })},
		{"params typed nil", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = (*struct{})(nil) })},
		{"params unencodable", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) { n.Params = map[string]any{"c": make(chan int)} })},
		{"params 33 KB", lcDevice, "NewCommand.Params", with(func(n *commands.NewCommand) {
			n.Params = map[string]string{"v": strings.Repeat("x", 33*1024)}
		})},
		{"expire negative", lcDevice, "NewCommand.Expire", with(func(n *commands.NewCommand) { n.Expire = -time.Second })},
		{"expire over 48h", lcDevice, "NewCommand.Expire", with(func(n *commands.NewCommand) { n.Expire = 48*time.Hour + time.Second })},
		{"expire fraction", lcDevice, "NewCommand.Expire", with(func(n *commands.NewCommand) { n.Expire = 1500 * time.Millisecond })},
		{"strategy", lcDevice, "NewCommand.Strategy", with(func(n *commands.NewCommand) { n.Strategy = "later" })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Create(lcCtx, tc.device, tc.cmd)
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
		})
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "no request is sent for bad input")
}

func TestCreateIsNotRetriedOnceSent(t *testing.T) {
	for name, r := range map[string]httpmock.Responder{
		"503":   lcJSON(503, `{"error_code":"IOTDA.000001","error_msg":"busy"}`),
		"429":   lcJSON(429, `{"error_code":"APIGW.0308","error_msg":"throttled"}`),
		"reset": httpmock.NewErrorResponder(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := lcUnit(t, iotclient.WithRetry(5))
			mt.RegisterResponder("POST", lcBase+"/async-commands", r)
			_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
			require.Error(t, err)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a delivery that may have reached the platform is never repeated")
		})
	}
	c, mt := lcUnit(t)
	mt.RegisterResponder("POST", lcBase+"/async-commands", lcJSON(503, `{"error_code":"IOTDA.000001","error_msg":"busy"}`))
	_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, 1, ae.Attempts)
	assert.ErrorIs(t, err, iotclient.ErrServer)
}

func TestCreateRetriedOnDialFailure(t *testing.T) {
	c, mt := lcUnit(t)
	var calls atomic.Int32
	mt.RegisterResponder("POST", lcBase+"/async-commands", func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		}
		return lcJSON(200, lcRecord(lcCmdID, "SENT"))(r)
	})
	cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	require.NoError(t, err)
	assert.Equal(t, lcCmdID, cmd.ID)
	assert.Equal(t, int32(2), calls.Load())
}

func TestCreateMalformedAnswer(t *testing.T) {
	for name, body := range map[string]string{
		"no ID":    `{"status":"SENT"}`,
		"bad time": `{"command_id":"a","created_time":"yesterday"}`,
		"not JSON": `<html>`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := lcUnit(t)
			mt.RegisterResponder("POST", lcBase+"/async-commands", lcJSON(200, body))
			_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{})
			require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
		})
	}
}

// End to end, over loopback against the mock.

func TestE2ECreate503IsOneRequest(t *testing.T) {
	s, c := lcE2E(t, []iotclient.Option{iotclient.WithRetry(5)})
	s.AddDevice(lcDevice)
	s.FailNext(mockserver.RouteCreateCommand, 1, mockserver.Fault{Status: 503})
	_, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	require.ErrorIs(t, err, iotclient.ErrServer)
	assert.Equal(t, 1, s.Requests(mockserver.RouteCreateCommand))

	// A connection dropped after the request arrived is not repeated
	// either, though the command may exist.
	s.FailNext(mockserver.RouteCreateCommand, 1, mockserver.Fault{Truncate: true})
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	require.Error(t, err)
	assert.Equal(t, 2, s.Requests(mockserver.RouteCreateCommand))
	assert.Len(t, s.Commands(lcDevice), 1, "the truncated answer's command was stored")

	s.FailNext(mockserver.RouteCreateCommand, 1, mockserver.Fault{Drop: true})
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF"})
	require.Error(t, err)
	assert.Equal(t, 3, s.Requests(mockserver.RouteCreateCommand))
}

// failFirstDial refuses the first connection attempt and dials normally
// after that.
type failFirstDial struct {
	dials atomic.Int32
	d     net.Dialer
}

func (f *failFirstDial) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if f.dials.Add(1) == 1 {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	return f.d.DialContext(ctx, network, addr)
}

func TestE2ECreateDialFailureIsRetried(t *testing.T) {
	dialer := &failFirstDial{}
	hc := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	s, c := lcE2E(t, []iotclient.Option{iotclient.WithHTTPClient(hc), iotclient.WithBackoff(time.Millisecond, time.Millisecond)})
	s.AddDevice(lcDevice)
	cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "1"},
		Strategy: commands.SendImmediately})
	require.NoError(t, err)
	assert.Equal(t, int32(2), dialer.dials.Load(), "refused once, dialled again")
	assert.Equal(t, 1, s.Requests(mockserver.RouteCreateCommand), "the platform saw it once")
	assert.Equal(t, commands.StatusSent, cmd.Status)
}

func TestE2ECreateAndPlatformRules(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.AddDevice(lcDevice)
	sent, err := c.Create(lcCtx, lcDevice, commands.NewCommand{ServiceID: "Switch", Name: "ON_OFF", Params: map[string]string{"value": "1"},
		Strategy: commands.SendImmediately})
	require.NoError(t, err)
	assert.Equal(t, commands.StatusSent, sent.Status)
	assert.Equal(t, commands.SendImmediately, sent.SendStrategy)
	assert.False(t, sent.SentAt.IsZero())
	assert.Equal(t, lcDevice, sent.DeviceID)
	assert.JSONEq(t, `{"value":"1"}`, string(sent.Params))

	for i := range commands.MaxPendingPerDevice {
		cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "SLEEPY", Strategy: commands.SendDelay, Expire: time.Hour})
		require.NoError(t, err, i)
		require.Equal(t, commands.StatusPending, cmd.Status)
		require.Equal(t, time.Hour, cmd.Expire)
	}
	_, err = c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "SLEEPY", Strategy: commands.SendDelay})
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae, "the platform refuses a 21st PENDING command")
	assert.Equal(t, 400, ae.StatusCode)

	_, err = c.Create(lcCtx, "ghost", commands.NewCommand{})
	require.ErrorIs(t, err, iotclient.ErrNotFound)
	assert.False(t, errors.Is(err, iotclient.ErrInvalidArgument))
}

func TestE2ECreateWithAKSK(t *testing.T) {
	s, _ := lcE2E(t, nil)
	s.AddDevice(lcDevice)
	c, err := commands.NewClient(commands.Config{
		Endpoint: s.URL(), ProjectID: mockserver.ProjectID, InstanceID: "inst-1",
		Auth: auth.AKSK(mockserver.AccessKey, mockserver.SecretKey),
	})
	require.NoError(t, err)
	// The signature covers the exact body bytes sent.
	cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{Name: "ON_OFF", Params: stdjson.RawMessage(`{ "value" : "ü" }`)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"value":"ü"}`, string(cmd.Params))
}
