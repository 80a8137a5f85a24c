package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

const e2eDevice = "my_product_dev-001"

// e2e starts the fake with 1,234 commands for one device and a client that
// signs with AK/SK over its loopback address, as a production user would.
func e2e(t *testing.T) (*commandstest.Server, *commands.Client, []commands.Command) {
	t.Helper()
	s := commandstest.NewServer()
	t.Cleanup(s.Close)
	seeded := historyOnly(s.Seed(e2eDevice, 1234, 42)) // what the history lists
	cfg := s.Config()
	cfg.InstanceID = "inst-1234"
	c, err := commands.NewClient(cfg)
	require.NoError(t, err)
	return s, c, seeded
}

func ids(cmds []commands.Command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.ID
	}
	return out
}

func mockIDs(cmds []commands.Command, keep func(commands.Command) bool) []string {
	var out []string
	for _, c := range cmds {
		if keep == nil || keep(c) {
			out = append(out, c.ID)
		}
	}
	return out
}

func all(t *testing.T, c *commands.Client, q commands.HistoryQuery) []commands.Command {
	t.Helper()
	var out []commands.Command
	for cmd, err := range c.History(context.Background(), e2eDevice, q) {
		require.NoError(t, err)
		out = append(out, cmd)
	}
	return out
}

func TestE2EHistoryYieldsEveryCommandOnceNewestFirst(t *testing.T) {
	s, c, seeded := e2e(t)
	got := all(t, c, commands.HistoryQuery{PageSize: 50})
	require.Len(t, got, len(seeded))
	require.Greater(t, len(seeded), 1100)
	assert.Equal(t, mockIDs(seeded, nil), ids(got))
	seen := map[string]bool{}
	for i, cmd := range got {
		require.False(t, seen[cmd.ID], "duplicate %s", cmd.ID)
		seen[cmd.ID] = true
		if i > 0 {
			require.Less(t, cmd.ID, got[i-1].ID, "descending ID order")
		}
		require.Equal(t, e2eDevice, cmd.DeviceID)
		require.False(t, cmd.CreatedAt.IsZero())
	}
	assert.Equal(t, len(seeded)/50+1, s.Requests(), "one request per page of 50, the last one short")

	// The typed record matches what the platform holds.
	want := seeded[7]
	cmd := got[7]
	assert.Equal(t, want.Name, cmd.Name)
	assert.Equal(t, want.ServiceID, cmd.ServiceID)
	assert.Equal(t, want.Status, cmd.Status)
	assert.Equal(t, want.SendStrategy, cmd.SendStrategy)
	assert.Equal(t, want.Expire, cmd.Expire)
	assert.True(t, want.CreatedAt.Truncate(time.Second).Equal(cmd.CreatedAt))
	assert.True(t, want.SentAt.Truncate(time.Second).Equal(cmd.SentAt))
}

func TestE2EHistoryFilters(t *testing.T) {
	_, c, seeded := e2e(t)
	mid := seeded[600].CreatedAt.Truncate(time.Second)
	late := seeded[200].CreatedAt.Truncate(time.Second)
	cases := map[string]struct {
		q    commands.HistoryQuery
		keep func(commands.Command) bool
	}{
		"status": {commands.HistoryQuery{Status: commands.StatusFailed},
			func(m commands.Command) bool { return m.Status == "FAILED" }},
		"command name": {commands.HistoryQuery{CommandName: "REBOOT"},
			func(m commands.Command) bool { return m.Name == "REBOOT" }},
		"since": {commands.HistoryQuery{Since: mid},
			func(m commands.Command) bool { return !m.CreatedAt.Truncate(time.Second).Before(mid) }},
		"until": {commands.HistoryQuery{Until: mid.In(time.FixedZone("UTC+8", 8*3600))},
			func(m commands.Command) bool { return !m.CreatedAt.Truncate(time.Second).After(mid) }},
		"since+until+status": {commands.HistoryQuery{Since: mid, Until: late, Status: commands.StatusSuccessful, PageSize: 7},
			func(m commands.Command) bool {
				c := m.CreatedAt.Truncate(time.Second)
				return !c.Before(mid) && !c.After(late) && m.Status == "SUCCESSFUL"
			}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want := mockIDs(seeded, tc.keep)
			require.NotEmpty(t, want)
			require.Less(t, len(want), len(seeded), "the filter must exclude something")
			assert.Equal(t, want, ids(all(t, c, tc.q)))
		})
	}
}

func TestE2EBreakAfterThreeCostsOneRequest(t *testing.T) {
	s, c, _ := e2e(t)
	n := 0
	for _, err := range c.History(context.Background(), e2eDevice, commands.HistoryQuery{PageSize: 50}) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 1, s.Requests())
}

func TestE2EHistoryPageMarkerResumes(t *testing.T) {
	_, c, seeded := e2e(t)
	want := mockIDs(seeded, nil)
	var got []string
	q := commands.HistoryQuery{PageSize: 50}
	pages := 0
	for {
		p, err := c.HistoryPage(context.Background(), e2eDevice, q)
		require.NoError(t, err)
		require.NotEmpty(t, p.RequestID)
		got = append(got, ids(p.Items)...)
		pages++
		if p.Next == "" {
			break
		}
		require.Equal(t, p.Items[len(p.Items)-1].ID, p.Next)
		q.Marker = p.Next // a checkpoint: a fresh query resumes exactly here
	}
	assert.Equal(t, want, got)
	assert.Equal(t, len(want)/50+1, pages)
}

func TestE2EOffset(t *testing.T) {
	_, c, seeded := e2e(t)
	want := mockIDs(seeded, nil)

	// Offset skips records after the marker (here: from the newest).
	p, err := c.HistoryPage(context.Background(), e2eDevice, commands.HistoryQuery{PageSize: 50, Offset: 500})
	require.NoError(t, err)
	assert.Equal(t, want[500:550], ids(p.Items))

	// With a marker, the offset counts from just after it.
	p, err = c.HistoryPage(context.Background(), e2eDevice, commands.HistoryQuery{PageSize: 10, Marker: want[99], Offset: 20})
	require.NoError(t, err)
	assert.Equal(t, want[120:130], ids(p.Items))

	// History applies the offset to the first page only, then follows markers.
	got := all(t, c, commands.HistoryQuery{PageSize: 50, Offset: 300})
	assert.Equal(t, want[300:], ids(got))
}

func TestE2EAPIErrors(t *testing.T) {
	s, c, _ := e2e(t)

	// 404: unknown device.
	_, err := c.HistoryPage(context.Background(), "no-such-device", commands.HistoryQuery{})
	var ae *iotclient.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 404, ae.StatusCode)
	assert.Equal(t, "IOTDA.014000", ae.Code)
	assert.NotEmpty(t, ae.RequestID)
	assert.ErrorIs(t, err, iotclient.ErrNotFound)

	// 401: a signature made with the wrong secret key.
	cfg := s.Config()
	cfg.Auth = auth.AKSK(commandstest.AccessKey, "not-the-secret-key")
	bad, err := commands.NewClient(cfg)
	require.NoError(t, err)
	_, err = bad.HistoryPage(context.Background(), e2eDevice, commands.HistoryQuery{})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 401, ae.StatusCode)
	assert.Equal(t, "APIGW.0301", ae.Code)
	assert.NotEmpty(t, ae.RequestID)
	assert.ErrorIs(t, err, iotclient.ErrUnauthorized)
	assert.Equal(t, 1, ae.Attempts, "a 401 is not retried")
	assert.NotContains(t, err.Error(), "not-the-secret-key")

	// 400: the platform refuses a query (the SDK's own checks pass a marker
	// of 101-128 characters, which IoTDA's command IDs never reach).
	_, err = c.HistoryPage(context.Background(), e2eDevice, commands.HistoryQuery{Marker: strings.Repeat("f", 120)})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "IOTDA.000006", ae.Code)
	assert.NotEmpty(t, ae.RequestID)
	assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
}

func TestE2EValidationSendsNothing(t *testing.T) {
	s, c, _ := e2e(t)
	for _, q := range []commands.HistoryQuery{{PageSize: 51}, {Offset: 501}, {Since: time.Now(), Until: time.Now().Add(-time.Minute)}} {
		_, err := c.HistoryPage(context.Background(), e2eDevice, q)
		require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	}
	for _, dev := range []string{"a/b", string(make([]byte, 129))} {
		_, err := c.HistoryPage(context.Background(), dev, commands.HistoryQuery{})
		require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	}
	assert.Equal(t, 0, s.Requests())
}
