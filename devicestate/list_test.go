package devicestate_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/devicestate"
)

func keep(devs []devicestate.Device, f func(d devicestate.Device) bool) []string {
	var out []string
	for _, d := range devs {
		if f(d) {
			out = append(out, d.ID)
		}
	}
	return out
}

func TestListPagesToTheEndOnce(t *testing.T) {
	srv, c, seeded := fake(t, 237)
	for _, size := range []int{0, 7, 50} {
		before := srv.Requests()
		got, err := collect(t, c.List(context.Background(), devicestate.ListQuery{PageSize: size}))
		require.NoError(t, err)
		assert.Equal(t, ids(seeded), ids(got), "page size %d: newest first, each once", size)
		pageSize := max(size, 1)
		if size == 0 {
			pageSize = devicestate.DefaultPageSize
		}
		assert.Equal(t, 237/pageSize+1, srv.Requests()-before, "page size %d: one request a page, the last short", size)
		for i, d := range got {
			want := seeded[i]
			want.StatusChangedAt, want.ActivatedAt, want.CreatedAt = time.Time{}, time.Time{}, time.Time{}
			require.Equal(t, want, d, "a list item has every field but the times")
		}
	}
}

func TestListPageResumesWithNext(t *testing.T) {
	_, c, seeded := fake(t, 120)
	ctx := context.Background()
	p, err := c.ListPage(ctx, devicestate.ListQuery{PageSize: 50})
	require.NoError(t, err)
	assert.Equal(t, ids(seeded[:50]), ids(p.Items))
	assert.True(t, p.HasTotal)
	assert.Equal(t, 120, p.Total)
	assert.NotEmpty(t, p.RequestID)
	p, err = c.ListPage(ctx, devicestate.ListQuery{PageSize: 50, Marker: p.Next, Offset: 20})
	require.NoError(t, err)
	assert.Equal(t, ids(seeded[70:120]), ids(p.Items), "the offset counts after the marker")
	require.NotEmpty(t, p.Next, "a full page cannot know it is the last")
	last, err := c.ListPage(ctx, devicestate.ListQuery{PageSize: 50, Marker: p.Next})
	require.NoError(t, err)
	assert.Empty(t, last.Items)
	assert.Empty(t, last.Next)
	p, err = c.ListPage(ctx, devicestate.ListQuery{PageSize: 50, Offset: 100})
	require.NoError(t, err)
	assert.Equal(t, ids(seeded[100:]), ids(p.Items))
	assert.Empty(t, p.Next)

	// List applies Offset to its first page only.
	got, err := collect(t, c.List(ctx, devicestate.ListQuery{PageSize: 10, Offset: 5}))
	require.NoError(t, err)
	assert.Equal(t, ids(seeded[5:]), ids(got))
}

func TestListFilters(t *testing.T) {
	_, c, seeded := fake(t, 300)
	ctx := context.Background()
	list := func(q devicestate.ListQuery) []string {
		t.Helper()
		got, err := collect(t, c.List(ctx, q))
		require.NoError(t, err)
		return ids(got)
	}
	first := seeded[0]
	assert.Equal(t, keep(seeded, func(d devicestate.Device) bool { return d.ProductID == first.ProductID }),
		list(devicestate.ListQuery{ProductID: first.ProductID}))
	assert.Equal(t, keep(seeded, func(d devicestate.Device) bool { return d.ProductID == first.ProductID && d.AppID == first.AppID }),
		list(devicestate.ListQuery{ProductID: first.ProductID, AppID: first.AppID}))
	assert.Equal(t, []string{seeded[8].ID}, list(devicestate.ListQuery{NodeID: seeded[8].NodeID}))
	assert.Equal(t, []string{seeded[9].ID}, list(devicestate.ListQuery{Name: seeded[9].Name}))
	since, until := seeded[200].CreatedAt, seeded[100].CreatedAt
	assert.Equal(t, keep(seeded, func(d devicestate.Device) bool { return !d.CreatedAt.Before(since) && !d.CreatedAt.After(until) }),
		list(devicestate.ListQuery{Since: since, Until: until}))

	parent := map[string]string{}
	for _, d := range seeded {
		parent[d.ID] = d.GatewayID
	}
	below := func(gw string, deep bool) func(devicestate.Device) bool {
		return func(d devicestate.Device) bool {
			for id := d.ID; parent[id] != id; id = parent[id] {
				if parent[id] == gw {
					return true
				}
				if !deep {
					return false
				}
			}
			return false
		}
	}
	tested := false
	for _, d := range seeded {
		direct, all := keep(seeded, below(d.ID, false)), keep(seeded, below(d.ID, true))
		if len(all) > len(direct) {
			assert.Equal(t, direct, list(devicestate.ListQuery{GatewayID: d.ID}))
			assert.Equal(t, all, list(devicestate.ListQuery{GatewayID: d.ID, AllLevels: true}))
			tested = true
			break
		}
	}
	assert.True(t, tested, "the seed has a gateway with grandchildren")
}

func TestListSendsTheWireParameters(t *testing.T) {
	c, mt := unit(t)
	var got url.Values
	mt.RegisterResponder("GET", unitBase+"/devices", func(r *http.Request) (*http.Response, error) {
		got = r.URL.Query()
		return httpmock.NewStringResponse(200, `{"devices":[],"page":{"count":0}}`), nil
	})
	_, err := c.ListPage(context.Background(), devicestate.ListQuery{
		ProductID: "p 1", AppID: "app", NodeID: "n1", Name: "O'Brien", GatewayID: "gw", AllLevels: true,
		Since: time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)), Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
		PageSize: 20, Marker: "5c8f3d2d3df1f10d803adbda", Offset: 40,
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"product_id": {"p 1"}, "app_id": {"app"}, "node_id": {"n1"}, "device_name": {"O'Brien"},
		"gateway_id": {"gw"}, "is_cascade_query": {"true"}, "start_time": {"20240102T020405Z"},
		"end_time": {"20240201T000000Z"}, "limit": {"20"}, "marker": {"5c8f3d2d3df1f10d803adbda"}, "offset": {"40"},
	}, got)
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"limit": {"50"}}, got, "the zero query sends the page size alone")
}

func TestListRefusesBadInputBeforeAnyRequest(t *testing.T) {
	srv, c, _ := fake(t, 3)
	ctx := context.Background()
	for field, q := range map[string]devicestate.ListQuery{
		"ListQuery.PageSize":  {PageSize: 51},
		"ListQuery.Offset":    {Offset: 501},
		"ListQuery.Marker":    {Marker: "no/marker"},
		"ListQuery.Since":     {Since: t0, Until: t0.Add(-time.Second)},
		"ListQuery.AllLevels": {AllLevels: true},
		"ListQuery.GatewayID": {GatewayID: "gw 1"},
		"ListQuery.ProductID": {ProductID: strings.Repeat("p", 257)},
		"ListQuery.Name":      {Name: "a\nb"},
		"ListQuery.NodeID":    {NodeID: "\xff"},
	} {
		_, err := c.ListPage(ctx, q)
		requireInvalid(t, err, field)
		_, err = collect(t, c.List(ctx, q))
		requireInvalid(t, err, field)
	}
	_, err := c.ListPage(ctx, devicestate.ListQuery{PageSize: -1})
	requireInvalid(t, err, "ListQuery.PageSize")
	assert.Zero(t, srv.Requests())
}

func TestListStopsWhenTheLoopBreaksAndReportsErrorsOnce(t *testing.T) {
	srv, c, _ := fake(t, 200, iotclient.WithBackoff(time.Millisecond, time.Millisecond))
	n := 0
	for _, err := range c.List(context.Background(), devicestate.ListQuery{PageSize: 10}) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	assert.Equal(t, 2, srv.Requests(), "no page is fetched after the break")

	srv.FailNext(4, devicestatetestFault(http.StatusServiceUnavailable))
	got, err := collect(t, c.List(context.Background(), devicestate.ListQuery{}))
	require.ErrorIs(t, err, iotclient.ErrServer, "four failures exhaust the three retries")
	assert.Empty(t, got)
}

func TestListRefusesAFullPageWithoutMarker(t *testing.T) {
	c, mt := unit(t)
	mt.RegisterResponder("GET", unitBase+"/devices", httpmock.NewStringResponder(200,
		`{"devices":[{"device_id":"a","status":"ONLINE"}],"page":{"count":9}}`))
	_, err := c.ListPage(context.Background(), devicestate.ListQuery{PageSize: 1})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
	assert.Contains(t, err.Error(), "page.marker")
	mt.RegisterResponder("GET", unitBase+"/devices", httpmock.NewStringResponder(200,
		`{"devices":[{"device_id":"a"},{"device_id":"b"}],"page":{"marker":"x"}}`))
	_, err = c.ListPage(context.Background(), devicestate.ListQuery{PageSize: 1})
	require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
}
