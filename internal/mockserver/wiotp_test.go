package mockserver

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	partPattern     = regexp.MustCompile(`^[A-Za-z0-9\-_.]{1,36}$`)
	ibmTimePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	listedTimeNames = []string{"lastConnectTime", "lastDisconnectTime", "lastActivityTime"}
)

// listAll pages through the list with q and returns every record's id.
func listAll(t *testing.T, s *Server, q url.Values) (ids []string, pages int, total int) {
	t.Helper()
	bookmark := ""
	for {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		if bookmark != "" {
			v.Set("_bookmark", bookmark)
		}
		r := ibm(t, s, http.MethodGet, "/clientconnectionstates", v, nil)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		var l wireClientList
		r.decode(t, &l)
		pages++
		total = l.Meta.TotalRows
		for _, c := range l.Results {
			ids = append(ids, c["id"].(string))
		}
		if l.Bookmark == nil {
			return ids, pages, total
		}
		require.NotEmpty(t, l.Results, "a page with a bookmark has results")
		require.NotEqual(t, bookmark, *l.Bookmark, "the bookmark advances")
		bookmark = *l.Bookmark
		require.Less(t, pages, 1000)
	}
}

func TestSeedClientsShape(t *testing.T) {
	s := newServer(t)
	clients := s.SeedClients(2345, 7)
	require.Len(t, clients, 2345)
	require.Equal(t, clients, newServer(t).SeedClients(2345, 7), "deterministic")
	assert.Equal(t, clients, s.Clients())

	kinds := map[string]int{}
	status := map[string]int{}
	var extra, noActivity, neverDisconnected, bare int
	for i, c := range clients {
		if i > 0 {
			require.Less(t, clients[i-1].ClientID, c.ClientID, "default order: ascending id, unique")
		}
		parts := strings.Split(c.ClientID, ":")
		kinds[parts[0]]++
		require.Equal(t, OrgID, parts[1])
		switch parts[0] {
		case "d", "g":
			require.Len(t, parts, 4, c.ClientID)
		case "a":
			require.Len(t, parts, 3, c.ClientID)
		case "A":
			require.True(t, len(parts) == 3 || len(parts) == 4, c.ClientID)
		default:
			t.Fatalf("unexpected client ID %q", c.ClientID)
		}
		for _, p := range parts[2:] {
			require.Regexp(t, partPattern, p, c.ClientID)
		}
		assert.Equal(t, clientTypeOf(c.ClientID), c.ClientType)
		status[c.ConnectionStatus]++
		if c.Extra != nil {
			extra++
		}
		if c.LastActivity.IsZero() {
			noActivity++
		}
		if c.ConnectionStatus == Connected {
			assert.False(t, c.LastConnect.IsZero())
			assert.Empty(t, c.DisconnectedBy)
			if c.LastDisconnect.IsZero() {
				neverDisconnected++
			}
		} else {
			if c.LastDisconnect.IsZero() {
				bare++
			} else {
				assert.Contains(t, []string{"client", "server", "network"}, c.DisconnectedBy)
				assert.True(t, c.LastDisconnect.After(c.LastConnect))
				assert.NotEqual(t, 288, c.DisconnectReasonCode, "%s: 288 (client ID reused) leaves a client connected", c.ClientID)
			}
		}
	}
	for _, k := range []string{"d", "g", "a", "A"} {
		assert.Positive(t, kinds[k], k)
	}
	assert.Greater(t, kinds["d"], kinds["g"]+kinds["a"]+kinds["A"], "mostly devices")
	assert.Positive(t, status[Connected])
	assert.Positive(t, status[Disconnected])
	assert.Positive(t, extra)
	assert.Positive(t, noActivity)
	assert.Positive(t, neverDisconnected)
	assert.Positive(t, bare)
}

func TestClientStateGet(t *testing.T) {
	s := newServer(t)
	at := time.Date(2018, 9, 27, 8, 40, 54, 456_789_000, time.UTC)
	s.AddClients(ClientState{
		ClientID: "d:ortc78:TemperatureSensor:TemperatureSensor_1", ConnectionStatus: Connected,
		LastConnect: at, LastDisconnect: time.Date(2018, 9, 27, 8, 40, 37, 493_000_000, time.UTC),
		LastActivity: at, LastActivityEvent: "mqttPublish", Protocol: "3.1.1",
		Extra: map[string]any{"clientAddress": "10.0.0.1", "id": "ignored"},
	})
	r := ibm(t, s, http.MethodGet, "/clientconnectionstates/d:ortc78:TemperatureSensor:TemperatureSensor_1", nil, nil)
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	assert.JSONEq(t, `{"id": "d:ortc78:TemperatureSensor:TemperatureSensor_1", "clientType": "device",
		"connectionStatus": "connected", "lastConnectTime": "2018-09-27T08:40:54.456Z",
		"lastDisconnectTime": "2018-09-27T08:40:37.493Z", "lastActivityEvent": "mqttPublish",
		"lastActivityTime": "2018-09-27T08:40:54.456Z", "mqttConnectProtocol": "3.1.1",
		"clientAddress": "10.0.0.1"}`, string(r.body))

	// Escaped colons reach the same client.
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates/d%3Aortc78%3ATemperatureSensor%3ATemperatureSensor_1", nil, nil)
	assert.Equal(t, http.StatusOK, r.status)

	s.AddClients(ClientState{ClientID: "A:ab12cd:app:inst-1", ConnectionStatus: Disconnected,
		LastDisconnect: at, DisconnectedBy: "server", DisconnectReasonCode: 288})
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates/A:ab12cd:app:inst-1", nil, nil)
	assert.JSONEq(t, `{"id":"A:ab12cd:app:inst-1","clientType":"application","connectionStatus":"disconnected",
		"lastDisconnectTime":"2018-09-27T08:40:54.456Z","disconnectedBy":"server","disconnectReasonCode":288}`, string(r.body))

	r = ibm(t, s, http.MethodGet, "/clientconnectionstates/d:ab12cd:x:missing", nil, nil)
	requireIBMError(t, r, http.StatusNotFound, ExceptionNotFound)

	// Auth.
	req := newRequest(t, http.MethodGet, s.URL()+"/api/v0002/clientconnectionstates", nil)
	r = do(t, req)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.JSONEq(t, `{"message":"CUDRS0001E: The API key or authentication token is missing or not valid.",
		"exception":{"id":"CUDRS0001E","properties":[]}}`, string(r.body))
	req.SetBasicAuth(APIKey, "wrong")
	requireIBMError(t, do(t, req), http.StatusUnauthorized, ExceptionUnauthorized)

	r = ibm(t, s, http.MethodPost, "/clientconnectionstates", nil, []byte(`{}`))
	requireIBMError(t, r, http.StatusMethodNotAllowed, ExceptionMethodNotAllowed)
	r = ibm(t, s, http.MethodGet, "/nothing/here", nil, nil)
	requireIBMError(t, r, http.StatusNotFound, ExceptionNotFound)
}

func TestClientStatesBookmarkCoversEveryClientOnce(t *testing.T) {
	s := newServer(t)
	clients := s.SeedClients(2345, 11)
	want := make([]string, len(clients))
	for i, c := range clients {
		want[i] = c.ClientID
	}

	got, pages, total := listAll(t, s, vals("_limit", "100"))
	assert.Equal(t, want, got, "default order, each client once")
	assert.Equal(t, 24, pages)
	assert.Equal(t, 2345, total)

	got, pages, _ = listAll(t, s, nil)
	assert.Equal(t, want, got)
	assert.Equal(t, 94, pages, "default _limit is 25")

	// Sorted and filtered.
	got, _, total = listAll(t, s, vals("_limit", "50", "_sort", "-lastActivityTime", "connectionStatus", "connected"))
	var connected []ClientState
	for _, c := range clients {
		if c.ConnectionStatus == Connected {
			connected = append(connected, c)
		}
	}
	slices.SortFunc(connected, func(a, b ClientState) int {
		if c := b.LastActivity.Compare(a.LastActivity); c != 0 {
			return c
		}
		return strings.Compare(a.ClientID, b.ClientID)
	})
	wantConnected := make([]string, len(connected))
	for i, c := range connected {
		wantConnected[i] = c.ClientID
	}
	assert.Equal(t, wantConnected, got)
	assert.Equal(t, len(connected), total)

	// A multi-field sort with many ties still yields every record once.
	got, _, _ = listAll(t, s, vals("_limit", "37", "_sort", "connectionStatus,-disconnectedBy,lastConnectTime"))
	assert.ElementsMatch(t, want, got)
	assert.Len(t, got, 2345)
}

func TestClientStatesBookmarkSurvivesChanges(t *testing.T) {
	s := newServer(t)
	s.SeedClients(300, 3)
	r := ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("_limit", "100", "_sort", "lastConnectTime"), nil)
	var l wireClientList
	r.decode(t, &l)
	seen := map[string]bool{}
	for _, c := range l.Results {
		seen[c["id"].(string)] = true
	}
	// A client already returned reconnects (moving to the end of the order),
	// and a new client appears: the remaining pages still hold no duplicates
	// of the first page except the mover, and include the newcomer.
	moved := l.Results[0]["id"].(string)
	require.NoError(t, s.SetClientStatus(moved, Connected, defaultReferenceTime.Add(time.Hour)))
	s.AddClients(ClientState{ClientID: "d:ab12cd:late:comer", ConnectionStatus: Connected, LastConnect: defaultReferenceTime})
	v := vals("_limit", "100", "_sort", "lastConnectTime", "_bookmark", *l.Bookmark)
	rest, _, total := listAll(t, s, v)
	assert.Equal(t, 301, total)
	for _, id := range rest {
		if id != moved {
			assert.False(t, seen[id], "no repeats: %s", id)
		}
	}
	assert.Contains(t, rest, "d:ab12cd:late:comer")
	assert.Equal(t, moved, rest[len(rest)-1])
}

func TestClientStatesFilters(t *testing.T) {
	s := newServer(t)
	clients := s.SeedClients(800, 5)
	match := func(keep func(ClientState) bool) []string {
		var out []string
		for _, c := range clients {
			if keep(c) {
				out = append(out, c.ClientID)
			}
		}
		return out
	}
	got, _, total := listAll(t, s, vals("_limit", "100", "connectionStatus", Disconnected))
	assert.Equal(t, match(func(c ClientState) bool { return c.ConnectionStatus == Disconnected }), got)
	assert.Equal(t, len(got), total)

	after := defaultReferenceTime.Add(-48 * time.Hour)
	want := match(func(c ClientState) bool { return !c.LastConnect.IsZero() && c.LastConnect.After(after) })
	require.NotEmpty(t, want)
	for _, f := range []string{after.Format(IBMTimeLayout), after.Format(time.RFC3339)} {
		got, _, _ := listAll(t, s, vals("_limit", "100", "connectedAfter", f))
		assert.Equal(t, want, got, "connectedAfter=%s", f)
	}
	// The beta name is not a filter: ignored like any unknown parameter,
	// even with a value that is not a time.
	all := match(func(ClientState) bool { return true })
	for _, f := range []string{after.Format(IBMTimeLayout), "yesterday"} {
		got, _, _ := listAll(t, s, vals("_limit", "100", "lastConnectedAfter", f))
		assert.Equal(t, all, got, "lastConnectedAfter=%s", f)
	}
	// Strictly after.
	var pivot ClientState
	for _, c := range clients {
		if !c.LastConnect.IsZero() {
			pivot = c
			break
		}
	}
	got, _, _ = listAll(t, s, vals("_limit", "100", "connectedAfter", pivot.LastConnect.Format(IBMTimeLayout)))
	assert.NotContains(t, got, pivot.ClientID)

	got, _, _ = listAll(t, s, vals("_limit", "100", "deviceType", "sensor"))
	assert.Equal(t, match(func(c ClientState) bool {
		typ, _, ok := deviceParts(c.ClientID)
		return ok && typ == "sensor"
	}), got)
	require.NotEmpty(t, got)

	gw := match(func(c ClientState) bool { return strings.HasPrefix(c.ClientID, "g:") })[0]
	_, gwDev, _ := deviceParts(gw)
	got, _, _ = listAll(t, s, vals("deviceId", gwDev))
	assert.Equal(t, []string{gw}, got)

	got, _, total = listAll(t, s, vals("deviceType", "no-such-type"))
	assert.Empty(t, got)
	assert.Zero(t, total)

	for _, bad := range []url.Values{
		vals("connectionStatus", "online"),
		vals("connectedAfter", "yesterday"),
		vals("connectedAfter", "2024-01-01"),
		vals("_limit", "0"),
		vals("_limit", "101"),
		vals("_limit", "x"),
		vals("_sort", "name"),
		vals("_sort", "-"),
		vals("_bookmark", "!!!"),
		vals("_bookmark", "e30"), // base64url of {}
	} {
		r := ibm(t, s, http.MethodGet, "/clientconnectionstates", bad, nil)
		e := requireIBMError(t, r, http.StatusBadRequest, ExceptionInvalidRequest)
		for k := range bad {
			assert.Contains(t, e.Violations[0].Exception.Properties, k)
		}
	}
	r := ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("_limit", "100"), nil)
	var l wireClientList
	r.decode(t, &l)
	assert.Len(t, l.Results, 100)
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", nil, nil)
	r.decode(t, &l)
	assert.Len(t, l.Results, DefaultClientLimit)

	// A bookmark is bound to its filters and sort, not to _limit.
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("connectionStatus", Connected), nil)
	r.decode(t, &l)
	require.NotNil(t, l.Bookmark)
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("connectionStatus", Disconnected, "_bookmark", *l.Bookmark), nil)
	requireIBMError(t, r, http.StatusBadRequest, ExceptionInvalidRequest)
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("connectionStatus", Connected, "_sort", "-id", "_bookmark", *l.Bookmark), nil)
	requireIBMError(t, r, http.StatusBadRequest, ExceptionInvalidRequest)
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("connectionStatus", Connected, "_limit", "7", "_bookmark", *l.Bookmark), nil)
	assert.Equal(t, http.StatusOK, r.status)
}

func TestClientStatesSortAndWireFormat(t *testing.T) {
	s := newServer(t)
	s.SeedClients(400, 9)
	r := ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("_limit", "100", "_sort", "lastConnectTime"), nil)
	var l wireClientList
	r.decode(t, &l)
	prev := ""
	for i, c := range l.Results {
		for _, name := range listedTimeNames {
			if v, ok := c[name]; ok {
				assert.Regexp(t, ibmTimePattern, v)
			}
		}
		cur, _ := c["lastConnectTime"].(string)
		if i > 0 {
			assert.LessOrEqual(t, prev, cur, "absent first, then ascending")
		}
		prev = cur
	}

	got, _, _ := listAll(t, s, vals("_limit", "100", "_sort", "-id"))
	assert.True(t, slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }))

	got, _, _ = listAll(t, s, vals("_limit", "100", "_sort", "connectionStatus,-lastConnectTime"))
	byID := map[string]ClientState{}
	for _, c := range s.Clients() {
		byID[c.ClientID] = c
	}
	for i := 1; i < len(got); i++ {
		a, b := byID[got[i-1]], byID[got[i]]
		require.LessOrEqual(t, a.ConnectionStatus, b.ConnectionStatus)
		if a.ConnectionStatus == b.ConnectionStatus {
			require.False(t, a.LastConnect.Before(b.LastConnect), "descending within a status")
		}
	}
}

func TestClientStateFeatureSwitch(t *testing.T) {
	s := newServer(t)
	s.SeedClients(30, 1)
	id := s.Clients()[0].ClientID

	r := ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil)
	assert.JSONEq(t, `{"enabled":true}`, string(r.body))

	s.SetClientStateEnabled(false)
	requireIBMError(t, ibm(t, s, http.MethodGet, "/clientconnectionstates", nil, nil), http.StatusForbidden, ExceptionFeatureDisabled)
	requireIBMError(t, ibm(t, s, http.MethodGet, "/clientconnectionstates/"+id, nil, nil), http.StatusForbidden, ExceptionFeatureDisabled)
	// IBM's documentation: a 403 from GET /config/clientstate means the
	// feature is not active.
	requireIBMError(t, ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil), http.StatusForbidden, ExceptionFeatureDisabled)

	r = ibm(t, s, http.MethodPut, "/config/clientstate", nil, []byte(`{"enabled":true}`))
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"enabled":true}`, string(r.body))
	assert.Equal(t, http.StatusOK, ibm(t, s, http.MethodGet, "/clientconnectionstates/"+id, nil, nil).status, "the test hook keeps data")

	// Deactivating through the API deletes the stored states.
	r = ibm(t, s, http.MethodPut, "/config/clientstate", nil, []byte(`{"enabled":false}`))
	assert.JSONEq(t, `{"enabled":false}`, string(r.body))
	requireIBMError(t, ibm(t, s, http.MethodGet, "/clientconnectionstates", nil, nil), http.StatusForbidden, ExceptionFeatureDisabled)
	ibm(t, s, http.MethodPut, "/config/clientstate", nil, []byte(`{"enabled":true}`))
	requireIBMError(t, ibm(t, s, http.MethodGet, "/clientconnectionstates/"+id, nil, nil), http.StatusNotFound, ExceptionNotFound)
	assert.Empty(t, s.Clients())

	requireIBMError(t, ibm(t, s, http.MethodPut, "/config/clientstate", nil, []byte(`{}`)), http.StatusBadRequest, ExceptionInvalidRequest)
	requireIBMError(t, ibm(t, s, http.MethodPut, "/config/clientstate", nil, []byte(`nope`)), http.StatusBadRequest, ExceptionInvalidRequest)
	assert.Equal(t, 7, s.Requests(RouteClientStateConfig))
}

func TestSetClientStatus(t *testing.T) {
	s := newServer(t)
	s.AddClients(ClientState{ClientID: "d:ab12cd:t:d1", ConnectionStatus: Connected, LastConnect: defaultReferenceTime})
	at := defaultReferenceTime.Add(time.Hour)
	require.NoError(t, s.SetClientStatus("d:ab12cd:t:d1", Disconnected, at))
	c, ok := s.Client("d:ab12cd:t:d1")
	require.True(t, ok)
	assert.Equal(t, Disconnected, c.ConnectionStatus)
	assert.Equal(t, at, c.LastDisconnect)
	assert.Equal(t, "client", c.DisconnectedBy)
	got, _, _ := listAll(t, s, vals("connectionStatus", Disconnected))
	assert.Equal(t, []string{"d:ab12cd:t:d1"}, got)

	require.NoError(t, s.SetClientStatus("d:ab12cd:t:d1", Connected, at.Add(time.Minute)))
	c, _ = s.Client("d:ab12cd:t:d1")
	assert.Equal(t, at.Add(time.Minute), c.LastConnect)
	assert.Empty(t, c.DisconnectedBy)
	assert.Error(t, s.SetClientStatus("d:ab12cd:t:d1", "away", at))
	assert.Error(t, s.SetClientStatus("d:ab12cd:t:none", Connected, at))
}

func TestConnectionLogs(t *testing.T) {
	s := newServer(t)
	logs := s.SeedConnectionLogs("sensor", "s-1", 75, 3)
	require.Len(t, logs, 75)
	for i := 1; i < len(logs); i++ {
		require.False(t, logs[i].Time.After(logs[i-1].Time), "newest first")
	}
	get := func(q url.Values) response {
		return ibm(t, s, http.MethodGet, "/logs/connection", q, nil)
	}
	read := func(q url.Values) []wireLog {
		r := get(q)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		var out []wireLog
		r.decode(t, &out)
		return out
	}
	base := func(kv ...string) url.Values {
		return vals(append([]string{"typeId", "sensor", "deviceId", "s-1"}, kv...)...)
	}

	// By default limit is ignored, as the real API may ignore it: every
	// entry comes back at once, whatever limit says.
	page := read(base())
	require.Len(t, page, len(logs), "no limit: everything")
	assert.Len(t, read(base("limit", "5")), len(logs), "limit ignored by default")
	assert.Len(t, read(base("limit", "many")), len(logs), "an unread parameter is not validated")
	assert.Len(t, read(base("offset", "70")), 5)

	s.HonorConnectionLogLimit(true)
	page = read(base())
	require.Len(t, page, 20, "default limit 20")
	for i, e := range page {
		assert.Equal(t, logs[i].Message, e.Message)
		assert.Equal(t, logs[i].Time.Format(IBMTimeLayout), e.Timestamp)
		assert.Regexp(t, ibmTimePattern, e.Timestamp)
	}
	page = read(base("limit", "5", "offset", "10"))
	require.Len(t, page, 5)
	assert.Equal(t, logs[10].Message, page[0].Message)
	assert.Equal(t, logs[14].Time.Format(IBMTimeLayout), page[4].Timestamp)
	assert.Len(t, read(base("offset", "70")), 5)
	assert.Empty(t, read(base("offset", "1000")))
	assert.NotNil(t, read(base("offset", "1000")))

	from, to := logs[30].Time, logs[10].Time
	page = read(base("fromTime", from.Format(IBMTimeLayout), "toTime", to.Format(IBMTimeLayout)))
	assert.Equal(t, logs[10].Time.Format(IBMTimeLayout), page[0].Timestamp, "toTime inclusive")
	assert.Len(t, page, 20)
	page = read(base("fromTime", from.Format(IBMTimeLayout), "toTime", to.Format(IBMTimeLayout), "offset", "1"))
	assert.Equal(t, logs[30].Time.Format(IBMTimeLayout), page[len(page)-1].Timestamp, "fromTime inclusive")

	for _, q := range []url.Values{
		vals("deviceId", "s-1"), vals("typeId", "sensor"),
		base("limit", "21"), base("limit", "0"), base("limit", "many"),
		base("offset", "0"), base("offset", "1001"), base("offset", ""),
		base("fromTime", from.Format(IBMTimeLayout)), base("toTime", to.Format(IBMTimeLayout)),
		base("fromTime", "last week", "toTime", to.Format(IBMTimeLayout)),
		base("fromTime", to.Format(IBMTimeLayout), "toTime", from.Format(IBMTimeLayout)),
	} {
		requireIBMError(t, get(q), http.StatusBadRequest, ExceptionInvalidRequest)
	}
	requireIBMError(t, get(vals("typeId", "sensor", "deviceId", "nobody")), http.StatusNotFound, ExceptionNotFound)

	// A device known from its client state but without logs answers [].
	s.AddClients(ClientState{ClientID: "d:ab12cd:pump:p-9", ConnectionStatus: Connected})
	r := get(vals("typeId", "pump", "deviceId", "p-9"))
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `[]`, string(r.body))

	s.AddConnectionLogs("pump", "p-9", LogEntry{Time: defaultReferenceTime, Message: "Connect: hello"})
	r = get(vals("typeId", "pump", "deviceId", "p-9"))
	assert.JSONEq(t, `[{"message":"Connect: hello","timestamp":"2024-06-01T12:00:00.000Z"}]`, string(r.body))
	assert.Equal(t, strconv.Itoa(len(r.body)), r.header.Get("Content-Length"))
}
