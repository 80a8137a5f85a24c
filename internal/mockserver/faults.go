package mockserver

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotclient/iotclient-go/iotclienttest"
)

// Fault is one injected failure: the public fakes' type, documented
// there (iotclienttest.Fault).
type Fault = iotclienttest.Fault

// MalformedBody is the body served by a Malformed fault.
const MalformedBody = `{"malformed": true, "commands": [{"command_id": "5c8f3d2d3df1f1` + "\n"

type queuedFault struct {
	f Fault
	n int
}

type randomFaults struct {
	rate   float64
	rng    *rand.Rand
	faults []Fault
}

type faultState struct {
	mu       sync.Mutex
	queues   map[Route][]queuedFault
	latency  map[Route]time.Duration
	random   map[Route]*randomFaults
	injected atomic.Int64
}

// FailNext makes the next n requests on route fail with f. Calls queue up in
// order: FailNext(r, 2, a) then FailNext(r, 1, b) serves a, a, b. Faults
// queued on a specific route are served before those queued on RouteAll.
func (s *Server) FailNext(route Route, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.queues == nil {
		s.faults.queues = make(map[Route][]queuedFault)
	}
	s.faults.queues[route] = append(s.faults.queues[route], queuedFault{f: f, n: n})
}

// SetLatency delays every answer on route by d (d <= 0 removes the delay).
// The wait ends early when the request's context ends (the client gave up)
// or the server closes; the request is then not answered. A latency set on
// a specific route replaces, not adds to, the one set on RouteAll.
func (s *Server) SetLatency(route Route, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.latency == nil {
		s.faults.latency = make(map[Route]time.Duration)
	}
	if d <= 0 {
		delete(s.faults.latency, route)
		return
	}
	s.faults.latency[route] = d
}

// SetRandomFaults makes each request on route fail with probability rate
// (0..1), with one of faults picked at random. The sequence of decisions is
// deterministic for a seed (one mutex-guarded generator per route), though
// which request gets which decision depends on arrival order. A rate <= 0 or
// no faults removes random faults from route. Queued FailNext faults are
// served first.
func (s *Server) SetRandomFaults(route Route, rate float64, seed int64, faults ...Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.random == nil {
		s.faults.random = make(map[Route]*randomFaults)
	}
	if rate <= 0 || len(faults) == 0 {
		delete(s.faults.random, route)
		return
	}
	s.faults.random[route] = &randomFaults{
		rate:   min(rate, 1),
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x6d6f636b73727672)),
		faults: append([]Fault(nil), faults...),
	}
}

// ClearFaults removes every queued fault, random fault and latency. It does
// not reset FaultsInjected (ResetCounts does).
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queues = nil
	s.faults.latency = nil
	s.faults.random = nil
}

// FaultsInjected reports how many faults were served.
func (s *Server) FaultsInjected() int { return int(s.faults.injected.Load()) }

func (fs *faultState) latencyFor(route Route) time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if d, ok := fs.latency[route]; ok && route != routeNone {
		return d
	}
	return fs.latency[RouteAll]
}

// take decides whether the request on route gets a fault.
func (fs *faultState) take(route Route) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, r := range [2]Route{route, RouteAll} {
		if r == routeNone {
			continue
		}
		if q := fs.queues[r]; len(q) > 0 {
			f := q[0].f
			if q[0].n--; q[0].n == 0 {
				fs.queues[r] = q[1:]
			}
			fs.injected.Add(1)
			return f, true
		}
	}
	for _, r := range [2]Route{route, RouteAll} {
		if r == routeNone {
			continue
		}
		if rf := fs.random[r]; rf != nil && rf.rng.Float64() < rf.rate {
			f := rf.faults[rf.rng.IntN(len(rf.faults))]
			fs.injected.Add(1)
			return f, true
		}
	}
	return Fault{}, false
}

// serveFault answers req with f.
func (s *Server) serveFault(w http.ResponseWriter, req *request, f Fault) {
	switch {
	case f.Drop:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return
		}
		panic(http.ErrAbortHandler)
	case f.Truncate:
		rec := httptest.NewRecorder()
		s.dispatch(rec, req)
		body := rec.Body.Bytes()
		ct := rec.Header().Get("Content-Type")
		if ct == "" {
			ct = "application/json"
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		defer conn.Close()
		writeRaw(buf, req.requestID, ct, len(body), body[:len(body)/2])
	case f.Malformed:
		rec := httptest.NewRecorder()
		s.dispatch(rec, req)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(MalformedBody)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(MalformedBody))
	default:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
		}
		if req.isIBM() {
			id := f.Code
			if id == "" {
				id = ExceptionForStatus(status)
			}
			writeIBMError(w, status, id, "Injected fault: "+http.StatusText(status))
			return
		}
		code := f.Code
		if code == "" {
			code = CodeForStatus(status)
		}
		writeIoTDAError(w, req.requestID, status, code, faultMessage(status))
	}
}

// writeRaw writes a 200 response by hand on a hijacked connection,
// declaring contentLength but writing only body.
func writeRaw(buf *bufio.ReadWriter, requestID, contentType string, contentLength int, body []byte) {
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s: %s\r\n\r\n",
		contentType, contentLength, RequestIDHeader, requestID)
	_, _ = buf.Write(body)
	_ = buf.Flush()
}

func (r *request) isIBM() bool {
	return r.platform == platformIBM || (r.platform == platformNone && len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/")
}

func faultMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute. Wait 2-5 s and retry."
	case http.StatusUnauthorized:
		return "Incorrect IAM authentication information: injected fault."
	}
	return "Injected fault: " + http.StatusText(status)
}

// DefaultFaults are what SetFaultRate picks among when given no faults: the
// failures a client meets most.
var DefaultFaults = []Fault{{Status: 429}, {Status: 503}, {Drop: true}, {Truncate: true}}
