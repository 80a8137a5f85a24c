// Package iotclienttest holds what the SDK's test fakes (commandstest,
// clientstatetest, livetest) share: the methods of every fake Server and
// the failures it can inject.
package iotclienttest

import (
	"net/http"
	"time"
)

// Fake is what every fake Server does; commandstest.Server and
// clientstatetest.Server embed it. Its methods are safe for concurrent use.
type Fake interface {
	// Close stops the server and waits for requests in progress.
	Close()
	// URL is the server's base URL, http://127.0.0.1:port.
	URL() string
	// Now is the server's reference time, the instant seeded data is
	// placed before: when NewServer was called (whole seconds, UTC), or
	// the time given with WithNow.
	Now() time.Time
	// Handler is the fake's HTTP handler, to serve it on an address of
	// your choosing as well.
	Handler() http.Handler
	// Requests counts the requests the server has received.
	Requests() int

	// FailNext makes the next n requests fail with f. Calls queue up in
	// order: FailNext(2, a) then FailNext(1, b) serves a, a, b.
	FailNext(n int, f Fault)
	// SetFaultRate makes each request fail with probability rate (0 to 1),
	// with one of faults picked at random (429, 503, a dropped connection
	// and a truncated body when none are given); the same seed gives the
	// same sequence. A rate of 0 stops it.
	SetFaultRate(rate float64, seed int64, faults ...Fault)
	// SetLatency delays every answer by d (0 removes the delay). The wait
	// ends early when the client gives up or the server closes.
	SetLatency(d time.Duration)
	// ClearFaults removes injected faults and latency.
	ClearFaults()
}

// Fault is one injected failure. Exactly one behaviour applies, checked in
// this order: Drop, Truncate, Malformed, then Status. A fault is decided
// when a request arrives, before authentication and validation.
type Fault struct {
	// Status answers with this HTTP status and the platform's error body:
	// IoTDA's {"error_code","error_msg","request_id"} (429 is APIGW.0308,
	// 401 APIGW.0301) or IBM's {"message","exception":{"id","properties"}}.
	// Zero, with no other behaviour set, means 500.
	Status int
	// Code replaces the body's error_code (IoTDA) or exception id (IBM);
	// empty picks the platform's code for Status.
	Code string
	// RetryAfter, when positive, is sent with a Status answer as the
	// Retry-After header, in whole seconds rounded up.
	RetryAfter time.Duration
	// Drop closes the connection without answering. net/http resends an
	// idempotent request (GET) whose reused connection was closed before
	// any response byte; the resent request reaches the server and counts.
	Drop bool
	// Truncate runs the request (side effects such as storing a delivered
	// command happen), then sends status 200 with the full Content-Length
	// but half the body, and closes the connection: an unexpected EOF.
	Truncate bool
	// Malformed runs the request (side effects happen), then answers 200
	// with a body that is not valid JSON.
	Malformed bool
}
