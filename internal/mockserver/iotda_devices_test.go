package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type wireDevice struct {
	DeviceID                   string `json:"device_id"`
	NodeID                     string `json:"node_id"`
	GatewayID                  string `json:"gateway_id"`
	DeviceName                 string `json:"device_name"`
	NodeType                   string `json:"node_type"`
	ProductID                  string `json:"product_id"`
	AppID                      string `json:"app_id"`
	Status                     string `json:"status"`
	CreateTime                 string `json:"create_time"`
	ConnectionStatusUpdateTime string `json:"connection_status_update_time"`
	ActiveTime                 string `json:"active_time"`
	Marker                     string `json:"marker"`
	Tags                       []struct {
		Key   string `json:"tag_key"`
		Value string `json:"tag_value"`
	} `json:"tags"`
}

type wireDeviceList struct {
	Devices []wireDevice `json:"devices"`
	Page    struct {
		Count  *int   `json:"count"`
		Marker string `json:"marker"`
	} `json:"page"`
}

func projectPath(s *Server) string { return s.URL() + "/v5/iot/" + ProjectID }

// iotdaProject sends a token-authenticated request to projectPath + path.
func iotdaProject(t testing.TB, s *Server, method, path string, q url.Values, body []byte) response {
	t.Helper()
	u := projectPath(s) + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req := newRequest(t, method, u, body)
	req.Header.Set(AuthTokenHeader, Token)
	return do(t, req)
}

func listDevices(t testing.TB, s *Server, q url.Values) wireDeviceList {
	t.Helper()
	r := iotdaProject(t, s, http.MethodGet, "/devices", q, nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var l wireDeviceList
	r.decode(t, &l)
	return l
}

func search(t testing.TB, s *Server, sql string) response {
	t.Helper()
	b, err := json.Marshal(map[string]string{"sql": sql})
	require.NoError(t, err)
	return iotdaProject(t, s, http.MethodPost, "/search/query-devices", nil, b)
}

func searchDevices(t testing.TB, s *Server, sql string) []wireDevice {
	t.Helper()
	r := search(t, s, sql)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var out struct {
		Devices []wireDevice `json:"devices"`
	}
	r.decode(t, &out)
	return out.Devices
}

func deviceIDs[T any](devs []T, id func(T) string) []string {
	out := make([]string, len(devs))
	for i, d := range devs {
		out[i] = id(d)
	}
	return out
}

func mockIDs(devs []Device) []string { return deviceIDs(devs, func(d Device) string { return d.ID }) }
func wireIDs2(devs []wireDevice) []string {
	return deviceIDs(devs, func(d wireDevice) string { return d.DeviceID })
}

func TestSeedDevicesShapes(t *testing.T) {
	s := newServer(t)
	devs := s.SeedDevices(400, 7)
	require.Len(t, devs, 400)
	assert.Equal(t, mockIDs(devs), mockIDs(s.Devices()), "returned as stored, newest first")
	assert.Equal(t, mockIDs(devs), mockIDs(newServer(t).SeedDevices(400, 7)), "deterministic")

	statuses := map[string]int{}
	var uuids, composite, endpoints int
	for i, d := range devs {
		statuses[d.Status]++
		switch {
		case len(d.ID) == 36 && strings.Count(d.ID, "-") == 4:
			uuids++
		case d.ID == d.ProductID+"_"+d.NodeID:
			composite++
		default:
			t.Errorf("device ID %q has neither IoTDA shape", d.ID)
		}
		if d.NodeType == NodeEndpoint {
			endpoints++
			assert.NotEqual(t, d.ID, d.GatewayID)
		}
		assert.Len(t, d.Marker, 24)
		if i > 0 {
			assert.Less(t, d.Marker, devs[i-1].Marker, "newest first")
			assert.False(t, d.Created.After(devs[i-1].Created), "record IDs follow registration")
		}
		assert.True(t, d.Created.Before(s.ReferenceTime()))
		if d.Status == DeviceInactive {
			assert.True(t, d.Activated.IsZero() && d.StatusChanged.IsZero(), "%+v", d)
		} else {
			assert.False(t, d.Activated.Before(d.Created))
			assert.False(t, d.StatusChanged.Before(d.Activated))
			assert.True(t, d.StatusChanged.Before(s.ReferenceTime()))
		}
	}
	for _, st := range deviceStatuses {
		assert.Positive(t, statuses[st], st)
	}
	assert.Greater(t, statuses[DeviceOnline], statuses[DeviceOffline])
	assert.Positive(t, uuids)
	assert.Greater(t, composite, uuids)
	assert.Positive(t, endpoints)
}

func TestShowDevice(t *testing.T) {
	s := newServer(t)
	created := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	require.NoError(t, s.AddDevices(Device{ID: "p1_n1", ProductID: "p1", NodeID: "n1", Status: DeviceOffline,
		Created: created, Activated: created.Add(time.Hour), StatusChanged: created.Add(48*time.Hour + 815*time.Millisecond),
		Tags: []Tag{{"site", "berlin"}}}))
	r := iotda(t, s, http.MethodGet, "p1_n1", "", nil, nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	var d wireDevice
	r.decode(t, &d)
	assert.Equal(t, "p1_n1", d.DeviceID)
	assert.Equal(t, "p1_n1", d.GatewayID, "a directly connected device is its own gateway")
	assert.Equal(t, NodeGateway, d.NodeType)
	assert.Equal(t, DeviceOffline, d.Status)
	assert.Equal(t, "20240301T080000Z", d.CreateTime)
	assert.Equal(t, "2024-03-01T09:00:00.000Z", d.ActiveTime)
	assert.Equal(t, "2024-03-03T08:00:00.815Z", d.ConnectionStatusUpdateTime)
	assert.Empty(t, d.Marker, "ShowDevice has no record ID")
	require.Len(t, d.Tags, 1)
	assert.Equal(t, "berlin", d.Tags[0].Value)

	_, err := s.SetDeviceStatus("p1_n1", DeviceOnline, created.Add(72*time.Hour))
	require.NoError(t, err)
	r = iotda(t, s, http.MethodGet, "p1_n1", "", nil, nil)
	r.decode(t, &d)
	assert.Equal(t, DeviceOnline, d.Status)
	assert.Equal(t, "2024-03-04T08:00:00.000Z", d.ConnectionStatusUpdateTime)

	requireIoTDAError(t, iotda(t, s, http.MethodGet, "nobody", "", nil, nil), http.StatusNotFound, CodeDeviceNotFound)
	requireIoTDAError(t, iotda(t, s, http.MethodGet, "bad%20id", "", nil, nil), http.StatusBadRequest, CodeInvalidInput)
	_, err = s.SetDeviceStatus("p1_n1", "FREEZED", time.Time{})
	require.Error(t, err)
	_, err = s.SetDeviceStatus("nobody", DeviceOnline, time.Time{})
	require.Error(t, err)
	require.Error(t, s.AddDevices(Device{ID: "a b"}))
}

func TestDeviceRoutesCheckAuthAndProject(t *testing.T) {
	s := newServer(t)
	s.SeedDevices(3, 1)
	for _, path := range []string{"/devices", "/devices/x"} {
		r := do(t, newRequest(t, http.MethodGet, projectPath(s)+path, nil))
		requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	}
	r := do(t, newRequest(t, http.MethodPost, projectPath(s)+"/search/query-devices", []byte(`{"sql":"select * from device"}`)))
	requireIoTDAError(t, r, http.StatusUnauthorized, CodeAuthFailed)
	req := newRequest(t, http.MethodGet, s.URL()+"/v5/iot/other/devices", nil)
	req.Header.Set(AuthTokenHeader, Token)
	requireIoTDAError(t, do(t, req), http.StatusForbidden, CodeInvalidToken)
	requireIoTDAError(t, iotdaProject(t, s, http.MethodPost, "/devices", nil, []byte("{}")), http.StatusMethodNotAllowed, CodeAPINotFound)
	requireIoTDAError(t, iotdaProject(t, s, http.MethodGet, "/search/query-devices", nil, nil), http.StatusMethodNotAllowed, CodeAPINotFound)

	s.ResetCounts()
	s.FailNext(RouteListDevices, 1, Fault{Status: http.StatusServiceUnavailable})
	requireIoTDAError(t, iotdaProject(t, s, http.MethodGet, "/devices", nil, nil), http.StatusServiceUnavailable, CodeInternal)
	assert.Equal(t, 1, s.Requests(RouteListDevices))
}

func TestListDevicesPagesByMarkerNewestFirst(t *testing.T) {
	s := newServer(t)
	all := s.SeedDevices(137, 3)
	var got []string
	marker := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10, "paging does not end")
		q := vals("limit", "50")
		if marker != "" {
			q.Set("marker", marker)
		}
		l := listDevices(t, s, q)
		require.NotNil(t, l.Page.Count)
		assert.Equal(t, 137, *l.Page.Count, "count is every match, whatever the marker")
		for _, d := range l.Devices {
			assert.Empty(t, d.CreateTime+d.ConnectionStatusUpdateTime, "list items have no times")
			assert.NotEmpty(t, d.Status)
		}
		got = append(got, wireIDs2(l.Devices)...)
		if len(l.Devices) < 50 {
			break
		}
		marker = l.Page.Marker
	}
	assert.Equal(t, mockIDs(all), got, "newest first, each once")

	l := listDevices(t, s, nil)
	assert.Len(t, l.Devices, DefaultLimit)
	assert.Equal(t, all[DefaultLimit-1].Marker, l.Page.Marker)
	l = listDevices(t, s, vals("limit", "5", "offset", "10"))
	assert.Equal(t, mockIDs(all[10:15]), wireIDs2(l.Devices))
	l = listDevices(t, s, vals("limit", "5", "marker", all[9].Marker, "offset", "2"))
	assert.Equal(t, mockIDs(all[12:17]), wireIDs2(l.Devices), "offset counts after the marker")
	l = listDevices(t, s, vals("marker", all[136].Marker))
	assert.Empty(t, l.Devices)
	assert.Empty(t, l.Page.Marker)

	for _, tc := range []struct{ k, v, code string }{
		{"limit", "0", CodeLimitOutOfRange}, {"limit", "51", CodeLimitOutOfRange}, {"limit", "x", CodeInvalidInput},
		{"offset", "501", CodeInvalidInput}, {"marker", "abc", CodeInvalidInput}, {"marker", strings.Repeat("g", 24), CodeInvalidInput},
		{"start_time", "2024-01-01", CodeBadTimeFormat}, {"is_cascade_query", "yes", CodeInvalidInput},
	} {
		requireIoTDAError(t, iotdaProject(t, s, http.MethodGet, "/devices", vals(tc.k, tc.v), nil), http.StatusBadRequest, tc.code)
	}
	requireIoTDAError(t, iotdaProject(t, s, http.MethodGet, "/devices", vals("start_time", "20240102T000000Z", "end_time", "20240101T000000Z"), nil),
		http.StatusBadRequest, CodeStartAfterEnd)
}

func TestListDevicesFilters(t *testing.T) {
	s := newServer(t)
	all := s.SeedDevices(300, 5)
	keep := func(f func(Device) bool) []string {
		var out []string
		for _, d := range all {
			if f(d) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	everything := func(q url.Values) []string {
		q.Set("limit", "50")
		var ids []string
		for {
			l := listDevices(t, s, q)
			ids = append(ids, wireIDs2(l.Devices)...)
			if len(l.Devices) < 50 {
				return ids
			}
			q.Set("marker", l.Page.Marker)
		}
	}
	p := all[0].ProductID
	assert.Equal(t, keep(func(d Device) bool { return d.ProductID == p }), everything(vals("product_id", p)))
	a := all[0].AppID
	assert.Equal(t, keep(func(d Device) bool { return d.AppID == a && d.ProductID == p }), everything(vals("app_id", a, "product_id", p)))
	assert.Equal(t, []string{all[7].ID}, everything(vals("node_id", all[7].NodeID)))
	assert.Equal(t, []string{all[9].ID}, everything(vals("device_name", all[9].Name)))
	from, to := all[200].Created, all[100].Created
	assert.Equal(t, keep(func(d Device) bool { return !d.Created.Before(from) && !d.Created.After(to) }),
		everything(vals("start_time", compact(from), "end_time", compact(to))))

	// A gateway with a sub-gateway: one level without cascade, all with.
	parent := map[string]string{}
	for _, d := range all {
		parent[d.ID] = d.GatewayID
	}
	under := func(gw string, deep bool) func(Device) bool {
		return func(d Device) bool {
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
	var gw string
	for _, d := range all {
		if d.NodeType == NodeGateway && len(keep(under(d.ID, true))) > len(keep(under(d.ID, false))) {
			gw = d.ID
			break
		}
	}
	require.NotEmpty(t, gw, "the seed has a gateway with grandchildren")
	assert.Equal(t, keep(under(gw, false)), everything(vals("gateway_id", gw)))
	assert.Equal(t, keep(under(gw, true)), everything(vals("gateway_id", gw, "is_cascade_query", "true")))
}

func TestSearchDevices(t *testing.T) {
	s := newServer(t)
	s.SetSearchInterval(0)
	all := s.SeedDevices(200, 9)
	keep := func(f func(Device) bool) []string {
		var out []string
		for _, d := range all {
			if f(d) {
				out = append(out, d.ID)
			}
		}
		return out
	}
	p := all[0].ProductID
	offline := keep(func(d Device) bool { return d.Status == DeviceOffline && d.ProductID == p })
	got := searchDevices(t, s, "SELECT * FROM device WHERE status = 'OFFLINE' AND product_id = '"+p+"' ORDER BY marker DESC LIMIT 0,50")
	assert.Equal(t, offline, wireIDs2(got))
	for _, d := range got {
		assert.Len(t, d.Marker, 24, "search items carry their record ID")
	}
	// AND binds tighter than OR.
	got = searchDevices(t, s, "select * from device where status = 'FROZEN' or status = 'OFFLINE' and product_id = '"+p+"' order by marker desc limit 50")
	assert.ElementsMatch(t, keep(func(d Device) bool {
		return d.Status == DeviceFrozen || d.Status == DeviceOffline && d.ProductID == p
	}), wireIDs2(got))
	// Paging by offset and by marker.
	online := keep(func(d Device) bool { return d.Status == DeviceOnline })
	require.Greater(t, len(online), 60)
	page2 := searchDevices(t, s, "select * from device where status = 'ONLINE' order by marker desc limit 50,50")
	assert.Equal(t, online[50:min(100, len(online))], wireIDs2(page2))
	page2 = searchDevices(t, s, "select * from device where status = 'ONLINE' and marker < '"+all[slices.Index(mockIDs(all), online[49])].Marker+"' order by marker desc limit 50")
	assert.Equal(t, online[50:min(100, len(online))], wireIDs2(page2))
	// A quote in a value is doubled.
	require.NoError(t, s.AddDevices(Device{ID: "quoted", Name: "O'Brien's meter", Status: DeviceOnline}))
	got = searchDevices(t, s, "select * from device where device_name = 'O''Brien''s meter'")
	assert.Equal(t, []string{"quoted"}, wireIDs2(got))
	// The default limit is 10 rows; count(*) counts.
	assert.Len(t, searchDevices(t, s, "select * from device"), 10)
	r := search(t, s, "select count(*) from device where status = 'ONLINE'")
	require.Equal(t, http.StatusOK, r.status)
	var n struct {
		Count int `json:"count"`
	}
	r.decode(t, &n)
	assert.Equal(t, len(online)+1, n.Count, "the added device is ONLINE")
	// Named fields only.
	r = search(t, s, "select device_id, status from device limit 1")
	assert.NotContains(t, string(r.body), "product_id")
	assert.Contains(t, string(r.body), `"status"`)

	for _, bad := range []string{
		"select * from devices",
		"delete from device",
		"select * from device where color = 'red'",
		"select * from device where status = ONLINE",
		"select * from device where status = 'ONLINE",
		"select * from device limit 51",
		"select * from device limit 501,10",
		"select * from device order by device_id",
		"select * from device where a_b = 'x'",
		"select * from device where status = 'A' and status = 'B' and status = 'C' and status = 'D' and status = 'E' and status = 'F'",
		"select * from device where device_name = '" + strings.Repeat("x", 380) + "'",
	} {
		requireIoTDAError(t, search(t, s, bad), http.StatusBadRequest, CodeInvalidInput)
	}
	requireIoTDAError(t, iotdaProject(t, s, http.MethodPost, "/search/query-devices", nil, []byte(`{"query":"x"}`)), http.StatusBadRequest, CodeInvalidInput)
	requireIoTDAError(t, iotdaProject(t, s, http.MethodPost, "/search/query-devices", nil, []byte(`select`)), http.StatusBadRequest, CodeBadRequestFormat)
	// Five conditions are allowed.
	searchDevices(t, s, "select * from device where status = 'A' or status = 'B' or status = 'C' or status = 'D' or status = 'E'")
}

func TestSearchDevicesAllowsOneASecond(t *testing.T) {
	clk := NewClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	s := newServer(t, WithClock(clk.Now))
	s.SeedDevices(10, 1)
	const sql = "select * from device"
	searchDevices(t, s, sql)
	requireIoTDAError(t, search(t, s, sql), http.StatusTooManyRequests, CodeThrottled)
	clk.Advance(500 * time.Millisecond)
	requireIoTDAError(t, search(t, s, sql), http.StatusTooManyRequests, CodeThrottled)
	clk.Advance(500 * time.Millisecond)
	searchDevices(t, s, sql)
	s.SetSearchInterval(0)
	searchDevices(t, s, sql)
	searchDevices(t, s, sql)
}
