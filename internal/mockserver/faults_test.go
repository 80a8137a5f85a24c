package mockserver

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshClient never reuses connections, so a dropped connection surfaces as
// an error instead of being retried by the Transport.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func historyReq(t *testing.T, s *Server) *http.Request {
	req := newRequest(t, http.MethodGet, devicePath(s, testDevice)+"/async-commands-history", nil)
	req.Header.Set(AuthTokenHeader, Token)
	return req
}

func TestFaultStatusBodies(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 5, 1)
	s.SeedClients(5, 1)

	s.FailNext(RouteHistory, 1, Fault{Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second})
	r := do(t, historyReq(t, s))
	e := requireIoTDAError(t, r, http.StatusTooManyRequests, CodeThrottled)
	assert.Equal(t, "3", r.header.Get("Retry-After"))
	assert.Equal(t, r.header.Get(RequestIDHeader), e.RequestID)

	s.FailNext(RouteHistory, 1, Fault{Status: http.StatusServiceUnavailable})
	requireIoTDAError(t, do(t, historyReq(t, s)), http.StatusServiceUnavailable, CodeInternal)
	s.FailNext(RouteHistory, 1, Fault{Status: http.StatusForbidden, Code: "IOTDA.021101"})
	requireIoTDAError(t, do(t, historyReq(t, s)), http.StatusForbidden, "IOTDA.021101")
	s.FailNext(RouteHistory, 1, Fault{})
	requireIoTDAError(t, do(t, historyReq(t, s)), http.StatusInternalServerError, CodeInternal)

	s.FailNext(RouteClientStates, 1, Fault{Status: http.StatusServiceUnavailable, RetryAfter: time.Second})
	r = ibm(t, s, http.MethodGet, "/clientconnectionstates", nil, nil)
	requireIBMError(t, r, http.StatusServiceUnavailable, ExceptionUnavailable)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	s.FailNext(RouteClientState, 1, Fault{Status: http.StatusTooManyRequests})
	requireIBMError(t, ibm(t, s, http.MethodGet, "/clientconnectionstates/x", nil, nil), http.StatusTooManyRequests, ExceptionRateLimited)

	assert.Equal(t, http.StatusOK, do(t, historyReq(t, s)).status, "faults are used up")
	assert.Equal(t, 6, s.FaultsInjected())
}

func TestFaultsComeBeforeAuthAndAreCounted(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	s.FailNext(RouteHistory, 1, Fault{Status: http.StatusTooManyRequests})
	req := newRequest(t, http.MethodGet, devicePath(s, testDevice)+"/async-commands-history", nil) // no credentials
	requireIoTDAError(t, do(t, req), http.StatusTooManyRequests, CodeThrottled)
	assert.Equal(t, 1, s.Requests(RouteHistory))
	requireIoTDAError(t, do(t, req), http.StatusUnauthorized, CodeAuthFailed)
	assert.Equal(t, 2, s.Requests(RouteHistory))
}

func TestFailNextIsFIFOAndRouteAllApplies(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	s.FailNext(RouteHistory, 2, Fault{Status: 500})
	s.FailNext(RouteHistory, 1, Fault{Status: 502})
	s.FailNext(RouteAll, 1, Fault{Status: 504})
	var got []int
	for range 5 {
		got = append(got, do(t, historyReq(t, s)).status)
	}
	assert.Equal(t, []int{500, 500, 502, 504, 200}, got)

	s.FailNext(RouteAll, 2, Fault{Status: 503})
	assert.Equal(t, 503, ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil).status)
	assert.Equal(t, 503, do(t, newRequest(t, http.MethodGet, s.URL()+"/unknown", nil)).status, "RouteAll covers unmatched paths")
	assert.Equal(t, 200, ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil).status)
	assert.Equal(t, 6, s.FaultsInjected())

	s.FailNext(RouteHistory, 3, Fault{Status: 500})
	s.ClearFaults()
	assert.Equal(t, 200, do(t, historyReq(t, s)).status)
}

func TestFaultDrop(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	s.FailNext(RouteHistory, 1, Fault{Drop: true})
	resp, err := freshClient().Do(historyReq(t, s))
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.Equal(t, 1, s.Requests(RouteHistory))
	assert.Equal(t, 1, s.FaultsInjected())
	assert.Equal(t, http.StatusOK, do(t, historyReq(t, s)).status)
}

func TestFaultTruncate(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 30, 1)
	full := do(t, historyReq(t, s))
	require.Equal(t, http.StatusOK, full.status)

	s.FailNext(RouteHistory, 1, Fault{Truncate: true})
	resp, err := freshClient().Do(historyReq(t, s))
	require.NoError(t, err, "headers arrive")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int64(len(full.body)), resp.ContentLength, "the real Content-Length")
	assert.NotEmpty(t, resp.Header.Get(RequestIDHeader))
	b, err := io.ReadAll(resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, full.body[:len(full.body)/2], b)

	// The handler ran: a truncated deliver answer still stored the command.
	n := len(s.Commands(testDevice))
	s.FailNext(RouteCreateCommand, 1, Fault{Truncate: true})
	req := newRequest(t, http.MethodPost, devicePath(s, testDevice)+"/async-commands", []byte(`{"paras":{},"send_strategy":"immediately"}`))
	req.Header.Set(AuthTokenHeader, Token)
	resp2, err := freshClient().Do(req)
	require.NoError(t, err)
	_, err = io.ReadAll(resp2.Body)
	resp2.Body.Close()
	require.Error(t, err)
	assert.Len(t, s.Commands(testDevice), n+1)
}

func TestFaultMalformed(t *testing.T) {
	s := newServer(t)
	s.SeedClients(10, 1)
	s.FailNext(RouteClientStates, 1, Fault{Malformed: true})
	r := ibm(t, s, http.MethodGet, "/clientconnectionstates", nil, nil)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.header.Get("Content-Type"), "application/json")
	var v any
	assert.Error(t, json.Unmarshal(r.body, &v))
	assert.False(t, jsontext.Value(r.body).IsValid())
	assert.Equal(t, MalformedBody, string(r.body))
}

func TestLatency(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	const delay = 400 * time.Millisecond
	s.SetLatency(RouteHistory, delay)

	start := time.Now()
	assert.Equal(t, http.StatusOK, do(t, historyReq(t, s)).status)
	assert.GreaterOrEqual(t, time.Since(start), delay)

	start = time.Now()
	assert.Equal(t, http.StatusOK, ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil).status)
	assert.Less(t, time.Since(start), delay, "other routes are not delayed")

	// A client that gives up ends the wait.
	s.SetLatency(RouteHistory, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := http.DefaultClient.Do(historyReq(t, s).WithContext(ctx))
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// RouteAll applies where no route-specific latency is set.
	s.SetLatency(RouteHistory, 0)
	s.SetLatency(RouteAll, delay)
	start = time.Now()
	ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil)
	assert.GreaterOrEqual(t, time.Since(start), delay)
	s.ClearFaults()
	start = time.Now()
	ibm(t, s, http.MethodGet, "/config/clientstate", nil, nil)
	assert.Less(t, time.Since(start), delay)
}

func TestCloseEndsLatencyWaits(t *testing.T) {
	s := New()
	s.AddDevice(testDevice)
	s.SetLatency(RouteAll, time.Hour)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(historyReq(t, s))
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	require.Eventually(t, func() bool { return s.Requests(RouteHistory) == 1 }, 5*time.Second, 5*time.Millisecond)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a latency wait")
	}
	<-errc
	s.Close() // twice is fine
}

func TestRandomFaultsAreDeterministic(t *testing.T) {
	run := func() []int {
		s := newServer(t)
		s.AddDevice(testDevice)
		s.SetRandomFaults(RouteHistory, 0.3, 99, Fault{Status: 500}, Fault{Status: 429, RetryAfter: time.Second})
		var out []int
		for range 200 {
			out = append(out, do(t, historyReq(t, s)).status)
		}
		failed := 0
		for _, st := range out {
			if st != 200 {
				failed++
			}
		}
		assert.Equal(t, failed, s.FaultsInjected())
		assert.InDelta(t, 60, failed, 25, "about 30%% fail")
		s.SetRandomFaults(RouteHistory, 0, 0)
		assert.Equal(t, 200, do(t, historyReq(t, s)).status)
		return out
	}
	a, b := run(), run()
	assert.Equal(t, a, b)
	assert.Contains(t, a, 500)
	assert.Contains(t, a, 429)
}

func TestRandomDropsSurviveRetries(t *testing.T) {
	s := newServer(t)
	s.SeedCommands(testDevice, 10, 1)
	s.SetRandomFaults(RouteAll, 0.5, 3, Fault{Drop: true}, Fault{Truncate: true}, Fault{Malformed: true}, Fault{Status: 503})
	client := freshClient()
	ok, failed := 0, 0
	for range 60 {
		resp, err := client.Do(historyReq(t, s))
		if err != nil {
			failed++
			continue
		}
		var h wireHistory
		err = json.UnmarshalRead(resp.Body, &h)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			failed++
			continue
		}
		ok++
	}
	assert.Positive(t, ok)
	assert.Positive(t, failed)
	assert.Equal(t, failed, s.FaultsInjected())
}

func TestFaultOnUnknownStatusCode(t *testing.T) {
	s := newServer(t)
	s.AddDevice(testDevice)
	s.FailNext(RouteHistory, 1, Fault{Status: 418})
	r := do(t, historyReq(t, s))
	requireIoTDAError(t, r, 418, CodeInvalidInput)
	assert.Equal(t, strconv.Itoa(len(r.body)), r.header.Get("Content-Length"))
}
