package commands_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

func TestCountSendsFiltersOnly(t *testing.T) {
	c, mt := lcUnit(t)
	var q url.Values
	var body string
	mt.RegisterResponder("POST", lcBase+"/async-commands-history/count", func(r *http.Request) (*http.Response, error) {
		q, body = r.URL.Query(), lcBody(t, r)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"), "declared as JSON, as the official SDK does")
		return lcJSON(200, `{"count":1234}`)(r)
	})
	n, err := c.Count(lcCtx, lcDevice, commands.CountQuery{
		Status: commands.StatusFailed, CommandName: "ON_OFF",
		Since: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	assert.Equal(t, 1234, n)
	assert.Equal(t, url.Values{
		"status": {"FAILED"}, "command_name": {"ON_OFF"},
		"start_time": {"20240101T000000Z"}, "end_time": {"20240201T000000Z"},
	}, q, "the filters only")
	assert.Empty(t, body, "no body: the filters are query parameters")
}

func TestCountIsARead(t *testing.T) {
	c, mt := lcUnit(t)
	n := 0
	mt.RegisterResponder("POST", lcBase+"/async-commands-history/count", func(r *http.Request) (*http.Response, error) {
		if n++; n == 1 {
			return lcJSON(503, `{"error_code":"IOTDA.000001","error_msg":"busy"}`)(r)
		}
		return lcJSON(200, `{"count":0}`)(r)
	})
	got, err := c.Count(lcCtx, lcDevice, commands.CountQuery{})
	require.NoError(t, err)
	assert.Zero(t, got)
	assert.Equal(t, 2, n, "retried like a GET although sent as a POST")
}

func TestCountMalformedAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"no count": `{}`,
		"negative": `{"count":-1}`,
		"string":   `{"count":"12"}`,
		"not JSON": `count=12`,
	} {
		t.Run(name, func(t *testing.T) {
			c, mt := lcUnit(t)
			mt.RegisterResponder("POST", lcBase+"/async-commands-history/count", lcJSON(200, body))
			_, err := c.Count(lcCtx, lcDevice, commands.CountQuery{})
			require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
		})
	}
}

func TestCountValidationSendsNothing(t *testing.T) {
	c, mt := lcUnit(t)
	for _, tc := range []struct {
		device, field string
		q             commands.CountQuery
	}{
		{"a b", "deviceID", commands.CountQuery{}},
		{lcDevice, "CountQuery.Status", commands.CountQuery{Status: "DONE"}},
		{lcDevice, "CountQuery.Since", commands.CountQuery{Since: time.Now(), Until: time.Now().Add(-time.Hour)}},
		{lcDevice, "CountQuery.CommandName", commands.CountQuery{CommandName: strings.Repeat("x", 129)}},
	} {
		_, err := c.Count(lcCtx, tc.device, tc.q)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestE2ECountMatchesHistory(t *testing.T) {
	s, c := lcE2E(t, nil)
	seeded := historyOnly(s.Seed(lcDevice, 1234, 42))
	total, err := c.Count(lcCtx, lcDevice, commands.CountQuery{})
	require.NoError(t, err)
	assert.Equal(t, len(seeded), total, "the history's commands: final ones and DELIVERED")

	since := s.Now().Add(-10 * 24 * time.Hour)
	q := commands.HistoryQuery{Status: commands.StatusFailed, Since: since}
	want := 0
	for _, cmd := range seeded {
		if cmd.Status == commands.StatusFailed && !cmd.CreatedAt.Before(since) {
			want++
		}
	}
	require.Positive(t, want)
	n, err := c.Count(lcCtx, lcDevice, commands.CountQuery{Status: q.Status, Since: q.Since})
	require.NoError(t, err)
	assert.Equal(t, want, n)
	listed := 0
	for _, err := range c.History(lcCtx, lcDevice, q) {
		require.NoError(t, err)
		listed++
	}
	assert.Equal(t, want, listed, "Count agrees with History")
	assert.Equal(t, 2, s.requests(countRoute))

	_, err = c.Count(lcCtx, "ghost", commands.CountQuery{})
	require.ErrorIs(t, err, iotclient.ErrNotFound)
}
