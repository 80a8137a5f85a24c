package commands_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/pagination"
)

const (
	unitEndpoint = "https://iotda.cn-north-4.myhuaweicloud.com"
	unitProject  = "0123456789abcdef0123456789abcdef"
	unitHistory  = unitEndpoint + "/v5/iot/" + unitProject + "/devices/dev-1/async-commands-history"
)

func unitClient(t *testing.T, opts ...iotclient.Option) (*commands.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]iotclient.Option{iotclient.WithHTTPClient(&http.Client{Transport: mt}), iotclient.WithRetry(0)}, opts...)
	c, err := commands.NewClient(commands.Config{
		Endpoint:   unitEndpoint,
		ProjectID:  unitProject,
		InstanceID: "inst-1234",
		Auth:       auth.AKSK("HPUAEXAMPLEAK000001", "exampleSecretKey0123456789abcdefghijklmn"),
	}, opts...)
	require.NoError(t, err)
	return c, mt
}

func TestHistoryValidationSendsNothing(t *testing.T) {
	c, mt := unitClient(t)
	cases := []struct {
		name, device, field string
		q                   commands.HistoryQuery
	}{
		{"slash in device", "dev/1", "deviceID", commands.HistoryQuery{}},
		{"empty device", "", "deviceID", commands.HistoryQuery{}},
		{"129-char device", strings.Repeat("a", 129), "deviceID", commands.HistoryQuery{}},
		{"page size 51", "dev-1", "HistoryQuery.PageSize", commands.HistoryQuery{PageSize: 51}},
		{"negative page size", "dev-1", "HistoryQuery.PageSize", commands.HistoryQuery{PageSize: -1}},
		{"offset 501", "dev-1", "HistoryQuery.Offset", commands.HistoryQuery{Offset: 501}},
		{"since after until", "dev-1", "HistoryQuery.Since", commands.HistoryQuery{Since: time.Now(), Until: time.Now().Add(-time.Hour)}},
		{"unknown status", "dev-1", "HistoryQuery.Status", commands.HistoryQuery{Status: "DONE"}},
		{"bad marker", "dev-1", "HistoryQuery.Marker", commands.HistoryQuery{Marker: "a&b=c"}},
		{"long name", "dev-1", "HistoryQuery.CommandName", commands.HistoryQuery{CommandName: strings.Repeat("n", 129)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.HistoryPage(context.Background(), tc.device, tc.q)
			var ve *iotclient.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)

			n := 0
			for _, err := range c.History(context.Background(), tc.device, tc.q) {
				n++
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
			}
			assert.Equal(t, 1, n, "the iterator yields the validation error once")
		})
	}
	assert.Equal(t, 0, mt.GetTotalCallCount(), "no request is sent for bad input")
}

func TestNewClientValidation(t *testing.T) {
	cred := auth.Token("tok")
	for _, tc := range []struct {
		cfg   commands.Config
		field string
	}{
		{commands.Config{Endpoint: unitEndpoint, Auth: cred}, "Config.ProjectID"},
		{commands.Config{Endpoint: unitEndpoint, ProjectID: "{project_id}", Auth: cred}, "Config.ProjectID"},
		{commands.Config{Endpoint: unitEndpoint, ProjectID: unitProject, InstanceID: "a b", Auth: cred}, "Config.InstanceID"},
		{commands.Config{Endpoint: "http://iotda.example.com", ProjectID: unitProject, Auth: cred}, "Endpoint"},
		{commands.Config{Endpoint: unitEndpoint, ProjectID: unitProject}, "Auth"},
	} {
		_, err := commands.NewClient(tc.cfg)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, tc.field)
		assert.Equal(t, tc.field, ve.Field)
	}
	_, err := commands.NewClient(commands.Config{Endpoint: unitEndpoint, ProjectID: unitProject, Auth: cred}, iotclient.WithRetry(-1))
	require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
}

const twoRecords = `{"commands":[
 {"device_id":"dev-1","command_id":"5c8f3d2d3df1f10d803adbdb","service_id":"Switch","command_name":"ON_OFF","expire_time":86400,
  "status":"SUCCESSFUL","created_time":"20240102T030405Z","sent_time":"20240102T030406Z","delivered_time":"20240102T030407Z",
  "response_time":"20240102T030408Z","send_strategy":"delay"},
 {"device_id":"dev-1","command_id":"5c8f3d2d3df1f10d803adbda","service_id":"Switch","command_name":"REBOOT","expire_time":0,
  "status":"PENDING","created_time":"20240101T000000Z","send_strategy":"immediately","future_field":1}],
 "page":{"marker":"5c8f3d2d3df1f10d803adbda"}}`

func TestHistoryPageDecodesTypedFields(t *testing.T) {
	c, mt := unitClient(t)
	mt.RegisterResponder("GET", unitHistory, func(r *http.Request) (*http.Response, error) {
		q := r.URL.Query()
		assert.Equal(t, "2", q.Get("limit"))
		assert.Equal(t, "FAILED", q.Get("status"))
		assert.Equal(t, "20240101T000000Z", q.Get("start_time"), "a time in another zone is sent in UTC")
		assert.Equal(t, "inst-1234", r.Header.Get("Instance-Id"))
		assert.True(t, strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK000001"))
		resp := httpmock.NewStringResponse(200, twoRecords)
		resp.Header.Set("X-Request-Id", "rid-1")
		return resp, nil
	})
	cst := time.FixedZone("CST", 8*3600)
	p, err := c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{
		PageSize: 2, Status: commands.StatusFailed, Since: time.Date(2024, 1, 1, 8, 0, 0, 0, cst),
	})
	require.NoError(t, err)
	require.Len(t, p.Items, 2)
	a := p.Items[0]
	assert.Equal(t, "5c8f3d2d3df1f10d803adbdb", a.ID)
	assert.Equal(t, "dev-1", a.DeviceID)
	assert.Equal(t, "Switch", a.ServiceID)
	assert.Equal(t, "ON_OFF", a.Name)
	assert.Equal(t, commands.StatusSuccessful, a.Status)
	assert.True(t, a.Status.IsTerminal())
	assert.Equal(t, commands.SendDelay, a.SendStrategy)
	assert.Equal(t, 24*time.Hour, a.Expire)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), a.CreatedAt)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 8, 0, time.UTC), a.RespondedAt)
	b := p.Items[1]
	assert.False(t, b.Status.IsTerminal())
	assert.True(t, b.SentAt.IsZero() && b.DeliveredAt.IsZero() && b.RespondedAt.IsZero())
	assert.Equal(t, "5c8f3d2d3df1f10d803adbda", p.Next)
	assert.Equal(t, "rid-1", p.RequestID)
}

func TestHistoryHostileResponses(t *testing.T) {
	for name, tc := range map[string]struct{ body, says string }{
		"too many records":   {strings.Replace(twoRecords, `"page"`, `"x"`, 1), "2 commands for a page of 1"},
		"bad time":           {strings.Replace(twoRecords, "20240102T030405Z", "2024-01-02", 1), `within "/commands/0/created_time": time "2024-01-02" is not in the format yyyyMMddTHHmmss[.SSS]Z`},
		"impossible date":    {strings.Replace(twoRecords, "20240102T030406Z", "20240231T030406Z", 1), `within "/commands/0/sent_time": time "20240231T030406Z"`},
		"wrong type":         {`{"commands":[{"command_id":5}]}`, `unmarshal JSON number into Go string within "/commands/0/command_id"`},
		"wrong page type":    {`{"commands":[],"page":{"marker":["a"]}}`, `unmarshal JSON array into Go string within "/page/marker"`},
		"fractional expire":  {`{"commands":[{"command_id":"a","expire_time":1.5}]}`, `JSON number 1.5 into Go int64 within "/commands/0/expire_time"`},
		"not JSON":           {`<html>`, "invalid character '<' at start of value"},
		"null":               {`null`, "the body is null"},
		"truncated":          {twoRecords[:len(twoRecords)/2], "unexpected EOF"},
		"bad escape":         {`{"commands":[{"command_id":"a\x"}]}`, "invalid escape sequence `\\x` in string"},
		"control character":  {"{\"commands\":[{\"command_id\":\"a\tb\"}]}", `invalid character '\t' in string`},
		"trailing garbage":   {`{"commands":[]}{}`, "invalid character '{' after top-level value"},
		"negative expire":    {`{"commands":[{"command_id":"a","expire_time":-5}]}`, `commands[0].expire_time: expire_time -5 out of range (command "a")`},
		"commands an object": {`{"commands":{}}`, `unmarshal JSON object into Go []commands.wireCommand within "/commands"`},
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := unitClient(t)
			mt.RegisterResponder("GET", unitHistory, httpmock.NewStringResponder(200, tc.body))
			size := 50
			if name == "too many records" {
				size = 1
			}
			p, err := c.HistoryPage(context.Background(), "dev-1", commands.HistoryQuery{PageSize: size})
			require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
			assert.Contains(t, err.Error(), tc.says)
			assert.Empty(t, p.Items, "no partial page with an error")
		})
	}
}

func TestHistoryStuckMarker(t *testing.T) {
	c, mt := unitClient(t)
	mt.RegisterResponder("GET", unitHistory, httpmock.NewStringResponder(200, twoRecords))
	n := 0
	var last error
	for _, err := range c.History(context.Background(), "dev-1", commands.HistoryQuery{PageSize: 2}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	require.ErrorIs(t, last, pagination.ErrStuckCursor)
	assert.Equal(t, 4, n)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestStatusHelpers(t *testing.T) {
	terminal := map[commands.Status]bool{
		commands.StatusPending: false, commands.StatusSent: false, commands.StatusDelivered: false,
		commands.StatusSuccessful: true, commands.StatusFailed: true, commands.StatusTimeout: true, commands.StatusExpired: true,
	}
	for s, want := range terminal {
		assert.Equal(t, want, s.IsTerminal(), s)
		assert.True(t, s.Known(), s)
	}
	assert.False(t, commands.Status("ARCHIVED").Known())
	assert.False(t, commands.Status("ARCHIVED").IsTerminal())
}
