package commands_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/commands"
)

// The wire details where the official Huawei Cloud SDK and this SDK
// differed (issue 12, points 4 to 9); each test fails if the SDK goes back.

// Point 4: a null result or paras is an empty Result or Params.
func TestWireNullResultAndParasAreEmpty(t *testing.T) {
	c, mt := lcUnit(t)
	rec := lcRecord(lcCmdID, "SENT")
	rec["paras"], rec["result"] = nil, nil
	mt.RegisterResponder("GET", lcBase+"/async-commands/"+lcCmdID, lcJSON(200, rec))
	cmd, err := c.Get(lcCtx, lcDevice, lcCmdID)
	require.NoError(t, err)
	assert.Nil(t, cmd.Params, "not the four bytes null")
	assert.Nil(t, cmd.Result)
}

// Point 5: a space in a query value is sent as %20, never '+'.
func TestWireQuerySpaceIsPercent20(t *testing.T) {
	c, mt := unitClient(t)
	var raw string
	mt.RegisterResponder("GET", unitHistory, func(r *http.Request) (*http.Response, error) {
		raw = r.URL.RawQuery
		return httpmock.NewStringResponse(200, `{"commands":[]}`), nil
	})
	_, err := c.HistoryPage(lcCtx, "dev-1", commands.HistoryQuery{CommandName: "SET temp+1"})
	require.NoError(t, err)
	assert.Contains(t, raw, "command_name=SET%20temp%2B1")
	assert.NotContains(t, raw, "+")
}

// Point 5, end to end: the AK/SK signature over a %20 query is what the
// platform (here the mock, which verifies it) computes.
func TestE2EWireQuerySpaceSignsWithAKSK(t *testing.T) {
	s, c := lcE2E(t, nil) // the client signs with AK/SK
	require.NoError(t, s.Add(lcDevice, commands.Command{ID: "5c8f3d2d3df1f10d803adbd0", Name: "SET temp", Status: commands.StatusSuccessful,
		SendStrategy: commands.SendImmediately, CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}))
	p, err := c.HistoryPage(lcCtx, lcDevice, commands.HistoryQuery{CommandName: "SET temp"})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, "SET temp", p.Items[0].Name)
}

// Point 6: the count request is declared as JSON, and the mock refuses it
// otherwise, so this fails end to end too.
func TestE2EWireCountIsJSON(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.Seed(lcDevice, 30, 1)
	n, err := c.Count(lcCtx, lcDevice, commands.CountQuery{})
	require.NoError(t, err)
	assert.Positive(t, n)
	last := s.last(t, countRoute)
	assert.Equal(t, "application/json", last.Header.Get("Content-Type"))
}

// Point 7: a fractional second decodes; one odd time fails the page with an
// error that names the record and the member.
func TestWireTimesOnAPage(t *testing.T) {
	c, mt := unitClient(t)
	body := `{"commands":[
	 {"command_id":"a","status":"SUCCESSFUL","created_time":"20151212T121212.123Z","sent_time":"20151212T121213Z"},
	 {"command_id":"b","status":"SUCCESSFUL","created_time":"20151212T121212Z","delivered_time":"12/12/2015"}]}`
	mt.RegisterResponder("GET", unitHistory, httpmock.NewStringResponder(200, strings.Replace(body, "12/12/2015", "20151212T121214.5Z", 1)))
	p, err := c.HistoryPage(lcCtx, "dev-1", commands.HistoryQuery{})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 12, 123e6, time.UTC), p.Items[0].CreatedAt)
	assert.Equal(t, time.Date(2015, 12, 12, 12, 12, 14, 5e8, time.UTC), p.Items[1].DeliveredAt)

	mt.RegisterResponder("GET", unitHistory, httpmock.NewStringResponder(200, body))
	_, err = c.HistoryPage(lcCtx, "dev-1", commands.HistoryQuery{})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), `within "/commands/1/delivered_time": time "12/12/2015"`)
}

// Point 8 end to end: a NewCommand of zero values is accepted by the mock
// (which refuses a body without send_strategy) and cached ("delay").
func TestE2EWireCreateDefaultsToDelay(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.AddDevice(lcDevice)
	cmd, err := c.Create(lcCtx, lcDevice, commands.NewCommand{})
	require.NoError(t, err)
	assert.Equal(t, commands.SendDelay, cmd.SendStrategy)
	assert.Equal(t, commands.StatusPending, cmd.Status)
	assert.Empty(t, cmd.ServiceID)
	assert.Empty(t, cmd.Name)
}

// Point 9: the history holds final statuses and DELIVERED, the queue
// PENDING, SENT and DELIVERED.
func TestE2EWireHistoryAndQueueStatuses(t *testing.T) {
	s, c := lcE2E(t, nil)
	s.Seed(lcDevice, 300, 5)
	seen := map[commands.Status]bool{}
	for cmd, err := range c.History(lcCtx, lcDevice, commands.HistoryQuery{}) {
		require.NoError(t, err)
		seen[cmd.Status] = true
	}
	assert.Equal(t, map[commands.Status]bool{commands.StatusSuccessful: true, commands.StatusFailed: true,
		commands.StatusTimeout: true, commands.StatusExpired: true, commands.StatusDelivered: true}, seen)
	seen = map[commands.Status]bool{}
	for cmd, err := range c.Queue(lcCtx, lcDevice, commands.QueueQuery{}) {
		require.NoError(t, err)
		seen[cmd.Status] = true
	}
	assert.Equal(t, map[commands.Status]bool{commands.StatusPending: true, commands.StatusSent: true,
		commands.StatusDelivered: true}, seen)
}
