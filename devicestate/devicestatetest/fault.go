package devicestatetest

import (
	"context"
	"net/http"
	"time"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Fault is one injected failure. Exactly one behaviour applies, checked in
// this order: Drop, Truncate, Malformed, then Status. A fault is decided
// when a request arrives, before authentication and validation.
type Fault struct {
	// Status answers with this HTTP status and IoTDA's error body,
	// {"error_code","error_msg","request_id"} (429 is APIGW.0308, 401 APIGW.0301).
	// Zero, with no other behaviour set, means 500.
	Status int
	// Code replaces the body's error_code; empty picks the
	// platform's code for Status.
	Code string
	// RetryAfter, when positive, is sent with a Status answer as the
	// Retry-After header, in whole seconds rounded up.
	RetryAfter time.Duration
	// Drop closes the connection without answering. net/http resends an
	// idempotent request (GET) whose reused connection was closed before
	// any response byte; the resent request reaches the server and counts.
	Drop bool
	// Truncate runs the request, then sends status 200 with the full
	// Content-Length but half the body, and closes the connection: an
	// unexpected EOF.
	Truncate bool
	// Malformed runs the request, then answers 200 with a body that is not
	// valid JSON.
	Malformed bool
}

// Close stops the server and waits for requests in progress.
func (s *Server) Close() { s.m.Close() }

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return s.m.URL() }

// Now is the instant seeded data is placed before: when NewServer was
// called (whole seconds, UTC), or the time given with WithNow.
func (s *Server) Now() time.Time { return s.m.ReferenceTime() }

// Handler is the fake's HTTP handler, to serve it on an address of your
// choosing as well.
func (s *Server) Handler() http.Handler { return s.m }

// Requests counts the requests the server has received.
func (s *Server) Requests() int { return s.m.Requests(mockserver.RouteAll) }

// Searches counts the device searches the server has received, throttled
// ones included.
func (s *Server) Searches() int { return s.m.Requests(mockserver.RouteSearchDevices) }

// FailNext makes the next n requests fail with f. Calls queue up in order:
// FailNext(2, a) then FailNext(1, b) serves a, a, b.
func (s *Server) FailNext(n int, f Fault) { s.m.FailNext(mockserver.RouteAll, n, mockserver.Fault(f)) }

// SetFaultRate makes each request fail with probability rate (0 to 1), with
// one of faults picked at random (429, 503, a dropped connection and a
// truncated body when none are given); the same seed gives the same
// sequence. A rate of 0 stops it.
func (s *Server) SetFaultRate(rate float64, seed int64, faults ...Fault) {
	mf := mockserver.DefaultFaults
	if len(faults) > 0 {
		mf = make([]mockserver.Fault, len(faults))
		for i, f := range faults {
			mf[i] = mockserver.Fault(f)
		}
	}
	s.m.SetRandomFaults(mockserver.RouteAll, rate, seed, mf...)
}

// SetLatency delays every answer by d (0 removes the delay). The wait ends
// early when the client gives up or the server closes.
func (s *Server) SetLatency(d time.Duration) { s.m.SetLatency(mockserver.RouteAll, d) }

// WaitPushes waits until every status change so far was pushed (or given
// up), or ctx ends (its error is returned).
func (s *Server) WaitPushes(ctx context.Context) error { return s.m.WaitPushes(ctx) }

// ClearFaults removes injected faults and latency.
func (s *Server) ClearFaults() { s.m.ClearFaults() }
