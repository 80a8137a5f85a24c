package mockserver

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLAndRequestIDs(t *testing.T) {
	s := newServer(t)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, s.URL())
	s.AddDevice(testDevice)

	seen := map[string]bool{}
	check := func(r response) {
		id := r.header.Get(RequestIDHeader)
		require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), id)
		require.False(t, seen[id], "request IDs are unique")
		seen[id] = true
	}
	check(iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", nil, nil))
	check(iotda(t, s, http.MethodGet, "nobody", "/async-commands-history", nil, nil))
	check(ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil))
	check(do(t, newRequest(t, http.MethodGet, s.URL()+"/nowhere", nil)))
	check(do(t, newRequest(t, http.MethodGet, s.URL()+"/api/v0002/nowhere", nil)))
	s.FailNext(RouteAll, 1, Fault{Status: 500})
	check(ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil))

	other := newServer(t)
	r := do(t, newRequest(t, http.MethodGet, other.URL()+"/nowhere", nil))
	assert.False(t, seen[r.header.Get(RequestIDHeader)], "distinct across servers")
}

func TestUnknownPaths(t *testing.T) {
	s := newServer(t)
	r := do(t, newRequest(t, http.MethodGet, s.URL()+"/v5/iot/"+ProjectID+"/products", nil))
	requireIoTDAError(t, r, http.StatusNotFound, CodeAPINotFound)
	r = do(t, newRequest(t, http.MethodGet, s.URL()+"/", nil))
	requireIoTDAError(t, r, http.StatusNotFound, CodeAPINotFound)
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates/a/b", nil, nil)
	requireIBMError(t, r, http.StatusNotFound, ExceptionNotFound)
	assert.Equal(t, 3, s.Requests(RouteAll))
	assert.Equal(t, 0, s.Requests(RouteClientState))
}

func TestRequestCounts(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 3, 1)
	cmd := s.Commands(testDevice)[0].ID
	iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", nil, nil)
	iotda(t, s, http.MethodGet, testDevice, "/async-commands-history", vals("limit", "999"), nil) // invalid: still counted
	historyCount(t, s, testDevice, nil)
	iotda(t, s, http.MethodGet, testDevice, "/async-commands", nil, nil)
	iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(`{"paras":{},"send_strategy":"delay"}`))
	iotda(t, s, http.MethodGet, testDevice, "/async-commands/"+cmd, nil, nil)
	do(t, newRequest(t, http.MethodPost, s.URL()+"/v3/auth/tokens", []byte(iamBody)))
	do(t, newRequest(t, http.MethodGet, s.URL()+"/api/v0002/clientconnectionstates", nil)) // unauthenticated: still counted
	ibm(t, s, http.MethodGet, "/clientconnectionstates/d:ab12cd:t:d", nil, nil)
	ibm(t, s, http.MethodGet, "/logs/connection", nil, nil)
	ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil)

	want := map[Route]int{
		RouteHistory: 2, RouteHistoryCount: 1, RouteQueue: 1, RouteCreateCommand: 1, RouteGetCommand: 1,
		RouteIAMToken: 1, RouteClientStates: 1, RouteClientState: 1, RouteConnectionLogs: 1, RouteClientStateConfig: 1,
		RouteAll: 11,
	}
	for r, n := range want {
		assert.Equal(t, n, s.Requests(r), r)
	}
	assert.Equal(t, 0, s.Requests("no-such-route"))
	s.ResetCounts()
	for r := range want {
		assert.Zero(t, s.Requests(r), r)
	}
}

func TestLastRequest(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	_, ok := s.LastRequest(RouteCreateCommand)
	assert.False(t, ok)
	req := newRequest(t, http.MethodPost, devicePath(s, testDevice)+"/async-commands?x=1", []byte(`{"paras":{},"send_strategy":"delay"}`))
	req.Header.Set(AuthTokenHeader, Token)
	req.Header.Set("Instance-Id", "inst-42")
	do(t, req)
	got, ok := s.LastRequest(RouteCreateCommand)
	require.True(t, ok)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v5/iot/"+ProjectID+"/devices/"+testDevice+"/async-commands", got.Path)
	assert.Equal(t, "x=1", got.RawQuery)
	assert.Equal(t, "inst-42", got.Header.Get("Instance-Id"))
	assert.JSONEq(t, `{"paras":{},"send_strategy":"delay"}`, string(got.Body))
	all, _ := s.LastRequest(RouteAll)
	assert.Equal(t, got.Path, all.Path)
}

// TestTransportResendsDroppedIdempotentRequest documents a net/http fact the
// Drop fault's users must know: on a reused keep-alive connection, a GET
// whose connection is closed before any response byte is resent by the
// Transport itself, so the server sees (and counts) it twice.
func TestTransportResendsDroppedIdempotentRequest(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	client := s.HTTPClient()
	warm, err := client.Do(historyReq(t, s))
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, warm.Body) // a fully read body frees the connection for reuse
	warm.Body.Close()
	s.ResetCounts()
	s.FailNext(RouteHistory, 1, Fault{Drop: true})
	resp, err := client.Do(historyReq(t, s))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 2, s.Requests(RouteHistory))
	assert.Equal(t, 1, s.FaultsInjected())
}

func TestConcurrentUse(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 1000, 1)
	s.SeedClients(500, 1)
	s.SeedConnectionLogs("sensor", "s-1", 50, 1)
	s.SetRandomFaults(RouteQueue, 0.2, 5, Fault{Status: 503}, Fault{Malformed: true})

	var wg sync.WaitGroup
	var sent atomic.Int64 // HTTP requests made
	const workers = 16
	for w := range workers {
		wg.Go(func() {
			for i := range 15 {
				if c := (w + i) % 8; c != 4 && c != 7 {
					sent.Add(1)
				}
				switch (w + i) % 8 {
				case 0:
					h := history(t, s, testDevice, vals("limit", "50", "offset", fmt.Sprint(i*10)))
					assert.Len(t, h.Commands, 50)
				case 1:
					r := iotda(t, s, http.MethodPost, testDevice, "/async-commands", nil, []byte(`{"paras":{"i":1},"send_strategy":"immediately"}`))
					assert.Equal(t, http.StatusOK, r.status)
				case 2:
					iotda(t, s, http.MethodGet, testDevice, "/async-commands", nil, nil)
				case 3:
					r := ibm(t, s, http.MethodGet, "/clientconnectionstates", vals("_sort", "-lastActivityTime", "_limit", "100"), nil)
					assert.Equal(t, http.StatusOK, r.status)
				case 4:
					c := s.Clients()[(w*15+i)%500]
					assert.NoError(t, s.SetClientStatus(c.ClientID, Connected, time.Now()))
				case 5:
					r := ibm(t, s, http.MethodGet, "/logs/connection", vals("typeId", "sensor", "deviceId", "s-1"), nil)
					assert.Equal(t, http.StatusOK, r.status)
				case 6:
					cmds := s.Commands(testDevice)
					assert.NoError(t, s.SetCommandStatus(testDevice, cmds[i].ID, StatusSuccessful, []byte(`{}`)))
					s.FailNext(RouteGetCommand, 1, Fault{Status: 500})
					iotda(t, s, http.MethodGet, testDevice, "/async-commands/"+cmds[i].ID, nil, nil)
				case 7:
					s.AddClients(ClientState{ClientID: fmt.Sprintf("d:ab12cd:conc:w%d-%d", w, i), ConnectionStatus: Connected})
					s.AddCommands(fmt.Sprintf("dev-%d", w), Command{Name: "X"})
					_, _ = s.LastRequest(RouteAll)
					_ = s.Requests(RouteAll)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int(sent.Load()), s.Requests(RouteAll))

	// IDs stay unique and ordered after concurrent deliveries.
	cmds := s.Commands(testDevice)
	for i := 1; i < len(cmds); i++ {
		require.Less(t, cmds[i].ID, cmds[i-1].ID)
	}
	assert.True(t, strings.HasPrefix(s.URL(), "http://"))
}
