package iotclienttest

import (
	"net/http"
	"time"
)

// Fake is the HTTP side every fake of this module has; commandstest.Server
// and clientstatetest.Server embed it. Its one implementation comes with
// those fakes, and it may gain methods: do not implement it.
type Fake interface {
	// Close stops the fake and waits for requests in progress. It is
	// safe to call twice.
	Close()
	// URL is the fake's base URL on loopback, http://127.0.0.1:port, for
	// programs that need a real socket. The listener starts on the first
	// call, so a fake whose clients all come from NewClient opens none.
	URL() string
	// Client returns an HTTP client that reaches the fake in memory
	// (see Transport), whatever the host of a request's URL. NewClient
	// uses it.
	Client() *http.Client
	// Handler is the fake's HTTP handler, to serve it on an address of
	// your choosing as well.
	Handler() http.Handler
	// Now is the instant seeded data is placed before: when NewServer
	// was called (whole seconds, UTC), or the time given with WithNow.
	Now() time.Time
	// Requests counts the requests the fake has received, faults and
	// refused ones included.
	Requests() int
	// FailNext makes the next n requests fail with f. Calls queue up in
	// order: FailNext(2, a) then FailNext(1, b) serves a, a, b.
	FailNext(n int, f Fault)
	// SetFaultRate makes each request fail with probability rate (0 to
	// 1), with one of faults picked at random (429, 503, a dropped
	// connection and a truncated body when none are given); the same seed
	// gives the same sequence. A rate of 0 stops it.
	SetFaultRate(rate float64, seed int64, faults ...Fault)
	// SetLatency delays every answer by d (0 removes the delay). The wait
	// ends early when the client gives up or the fake closes.
	SetLatency(d time.Duration)
	// ClearFaults removes injected faults and latency.
	ClearFaults()
	// FaultsInjected counts the faults the fake has served, so a test
	// can tell that its client met the faults it survived.
	FaultsInjected() int
}
