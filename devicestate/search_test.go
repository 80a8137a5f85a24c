package devicestate_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/devicestate/devicestatetest"
	"github.com/iotclient/iotclient-go/pagination"
)

// recordSQL answers every search with an empty page and records its SQL.
func recordSQL(t *testing.T, mt *httpmock.MockTransport) *[]string {
	var sqls []string
	mt.RegisterResponder("POST", unitBase+"/search/query-devices", func(r *http.Request) (*http.Response, error) {
		sqls = append(sqls, sqlOf(t, r))
		if strings.HasPrefix(sqls[len(sqls)-1], "select count(*)") {
			return httpmock.NewStringResponse(200, `{"count":7}`), nil
		}
		return httpmock.NewStringResponse(200, `{"devices":[]}`), nil
	})
	return &sqls
}

func TestSearchWritesTheSQLForEveryFilter(t *testing.T) {
	c, mt := unit(t)
	sqls := recordSQL(t, mt)
	const tail = " order by marker desc limit 0,50"
	for want, q := range map[string]devicestate.SearchQuery{
		"select * from device" + tail:                                           {},
		"select * from device where status = 'OFFLINE'" + tail:                  {Status: devicestate.StatusOffline},
		"select * from device where status = 'FROZEN'" + tail:                   {Status: "FREEZED"},
		"select * from device where product_id = 'p1'" + tail:                   {ProductID: "p1"},
		"select * from device where app_id = 'a1'" + tail:                       {AppID: "a1"},
		"select * from device where gateway_id = 'gw-1'" + tail:                 {GatewayID: "gw-1"},
		"select * from device where node_type = 'ENDPOINT'" + tail:              {NodeType: devicestate.NodeEndpoint},
		"select * from device where device_id = 'p1_n1'" + tail:                 {DeviceID: "p1_n1"},
		"select * from device where node_id = '8612345'" + tail:                 {NodeID: "8612345"},
		"select * from device where device_name = 'meter 7'" + tail:             {Name: "meter 7"},
		"select * from device where marker < '5c8f3d2d3df1f10d803adbda'" + tail: {Marker: "5c8f3d2d3df1f10d803adbda"},
		// Quotes in values are doubled, so a value cannot end the string.
		"select * from device where device_name = 'O''Brien''s'' or ''1''=''1'" + tail: {Name: "O'Brien's' or '1'='1"},
		"select * from device where status = 'ONLINE' and product_id = 'p1' and node_type = 'GATEWAY' order by marker desc limit 20,10": {
			Status: devicestate.StatusOnline, ProductID: "p1", NodeType: devicestate.NodeGateway, PageSize: 10, Offset: 20,
		},
	} {
		*sqls = nil
		_, err := c.SearchPage(context.Background(), q)
		require.NoError(t, err)
		assert.Equal(t, []string{want}, *sqls)
	}
	*sqls = nil
	n, err := c.SearchCount(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusAbnormal, ProductID: "p'1", PageSize: 5, ByMarker: true})
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	assert.Equal(t, []string{"select count(*) from device where status = 'ABNORMAL' and product_id = 'p''1'"}, *sqls)
}

func TestSearchRefusesWhatThePlatformWouldBeforeAnyRequest(t *testing.T) {
	c, mt := unit(t)
	five := devicestate.SearchQuery{Status: devicestate.StatusOnline, ProductID: "p", AppID: "a", GatewayID: "g", NodeType: devicestate.NodeGateway}
	six := five
	six.NodeID = "n"
	fiveByMarker := five
	fiveByMarker.ByMarker = true
	long := devicestate.SearchQuery{Name: strings.Repeat("n", 256), ProductID: strings.Repeat("p", 100)}
	for field, q := range map[string]devicestate.SearchQuery{
		"SearchQuery.PageSize":  {PageSize: 51},
		"SearchQuery.Offset":    {Offset: 501},
		"SearchQuery.Status":    {Status: "online"},
		"SearchQuery.NodeType":  {NodeType: "SENSOR"},
		"SearchQuery.Marker":    {Marker: "x' or '1'='1"},
		"SearchQuery.GatewayID": {GatewayID: "g w"},
		"SearchQuery.DeviceID":  {DeviceID: "a'b"},
		"SearchQuery.Name":      {Name: `back\slash`},
		"SearchQuery.ProductID": {ProductID: "a\x00b"},
		"SearchQuery.AppID":     {AppID: strings.Repeat("a", 257)},
		"SearchQuery":           six,
	} {
		_, err := c.SearchPage(context.Background(), q)
		requireInvalid(t, err, field)
		_, err = collect(t, c.Search(context.Background(), q))
		requireInvalid(t, err, field)
		_, err = c.SearchCount(context.Background(), q)
		if field != "SearchQuery.PageSize" && field != "SearchQuery.Offset" {
			requireInvalid(t, err, field)
		}
	}
	for _, q := range []devicestate.SearchQuery{fiveByMarker, long} {
		_, err := c.SearchPage(context.Background(), q)
		requireInvalid(t, err, "SearchQuery")
	}
	assert.Contains(t, func() string { _, err := c.SearchPage(context.Background(), long); return err.Error() }(), "400")
	assert.Zero(t, mt.GetTotalCallCount())
	recordSQL(t, mt)
	_, err := c.SearchPage(context.Background(), five)
	require.NoError(t, err, "five conditions are allowed")
}

// onlineFake seeds the fake and returns the ONLINE devices newest first.
func onlineFake(t *testing.T, n int) (*devicestatetest.Server, []string) {
	srv := devicestatetest.NewServer(devicestatetest.WithNow(t0))
	t.Cleanup(srv.Close)
	seeded := srv.Seed(n, 21)
	return srv, keep(seeded, func(d devicestate.Device) bool { return d.Status == devicestate.StatusOnline })
}

func TestSearchPacesItselfToOneRequestASecond(t *testing.T) {
	srv, online := onlineFake(t, 400)
	require.Greater(t, len(online), 150)
	synctest.Test(t, func(t *testing.T) {
		c := inBubble(t, srv, nil)
		var at []time.Duration
		start := time.Now()
		var got []string
		for d, err := range c.Search(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOnline}) {
			require.NoError(t, err)
			if len(got)%50 == 0 {
				at = append(at, time.Since(start))
			}
			got = append(got, d.ID)
		}
		assert.Equal(t, online, got, "newest first, each once")
		pages := (len(online) + 49) / 50
		want := make([]time.Duration, pages)
		for i := range want {
			want[i] = time.Duration(i) * time.Second
		}
		assert.Equal(t, want, at, "the first page at once, then one a second")
		assert.Equal(t, pages, srv.Searches(), "the fake never throttled a request (no retry)")

		// Another call waits for its turn too.
		start = time.Now()
		_, err := c.SearchCount(context.Background(), devicestate.SearchQuery{})
		require.NoError(t, err)
		assert.Equal(t, time.Second, time.Since(start))
	})
}

func TestSearchIntervalIsConfigurable(t *testing.T) {
	srv, _ := onlineFake(t, 10)
	srv.SetSearchInterval(0)
	synctest.Test(t, func(t *testing.T) {
		c := inBubble(t, srv, func(cfg *devicestate.Config) { cfg.SearchInterval = 250 * time.Millisecond })
		start := time.Now()
		for range 5 {
			_, err := c.SearchPage(context.Background(), devicestate.SearchQuery{})
			require.NoError(t, err)
		}
		assert.Equal(t, time.Second, time.Since(start), "five searches, 250ms apart")

		c = inBubble(t, srv, func(cfg *devicestate.Config) { cfg.SearchInterval = -1 })
		start = time.Now()
		for range 5 {
			_, err := c.SearchPage(context.Background(), devicestate.SearchQuery{})
			require.NoError(t, err)
		}
		assert.Zero(t, time.Since(start), "no pacing")
	})
}

func TestSearchWaitEndsWithTheContext(t *testing.T) {
	srv, _ := onlineFake(t, 10)
	synctest.Test(t, func(t *testing.T) {
		c := inBubble(t, srv, func(cfg *devicestate.Config) { cfg.SearchInterval = time.Hour })
		_, err := c.SearchPage(context.Background(), devicestate.SearchQuery{})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = c.SearchPage(ctx, devicestate.SearchQuery{})
		require.Error(t, err)
		assert.Equal(t, 1, srv.Searches())
	})
}

func TestSearchByOffsetEndsAtThePlatformsLimit(t *testing.T) {
	srv, online := onlineFake(t, 1300)
	require.Greater(t, len(online), 600)
	synctest.Test(t, func(t *testing.T) {
		c := inBubble(t, srv, nil)
		got, err := collect(t, c.Search(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOnline}))
		require.ErrorIs(t, err, pagination.ErrOffsetLimit)
		assert.Contains(t, err.Error(), "ByMarker")
		assert.Equal(t, online[:550], ids(got), "offsets 0 to 500, a page each")
		assert.Equal(t, 11, srv.Searches())

		before := srv.Searches()
		got, err = collect(t, c.Search(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOnline, ByMarker: true}))
		require.NoError(t, err)
		assert.Equal(t, online, ids(got), "by marker: every device, each once")
		assert.Equal(t, len(online)/50+1, srv.Searches()-before)

		// A page's Next resumes below it, as Marker.
		p, err := c.SearchPage(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOnline, PageSize: 20})
		require.NoError(t, err)
		p, err = c.SearchPage(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOnline, PageSize: 20, Marker: p.Next})
		require.NoError(t, err)
		assert.Equal(t, online[20:40], ids(p.Items))
		assert.False(t, p.HasTotal)
	})
}

func TestSearchCountAndErrors(t *testing.T) {
	srv, c, seeded := fake(t, 200, iotclient.WithRetry(0))
	srv.SetSearchInterval(time.Hour) // an unpaced client meets the platform's rule
	n, err := c.SearchCount(context.Background(), devicestate.SearchQuery{Status: devicestate.StatusOffline})
	require.NoError(t, err)
	assert.Len(t, keep(seeded, func(d devicestate.Device) bool { return d.Status == devicestate.StatusOffline }), n)

	_, err = c.SearchPage(context.Background(), devicestate.SearchQuery{})
	require.ErrorIs(t, err, iotclient.ErrRateLimited)

	cu, mt := unit(t)
	mt.RegisterResponder("POST", unitBase+"/search/query-devices", httpmock.NewStringResponder(200,
		`{"devices":[{"device_id":"a","status":"ONLINE"}]}`))
	_, err = cu.SearchPage(context.Background(), devicestate.SearchQuery{PageSize: 1})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse, "a full page without a marker cannot be resumed")
	_, err = cu.SearchCount(context.Background(), devicestate.SearchQuery{})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse, "a count answer without count")
}
