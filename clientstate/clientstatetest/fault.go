package clientstatetest

import "time"

// Fault is one injected failure. Exactly one behaviour applies, checked in
// this order: Drop, Truncate, Malformed, then Status. A fault is decided
// when a request arrives, before authentication and validation.
type Fault struct {
	// Status answers with this HTTP status and an IBM error body
	// {"message","exception":{"id","properties"}}. Zero, with no other
	// behaviour set, means 500.
	Status int
	// Code replaces the exception id of the body; empty picks the
	// platform's id for Status.
	Code string
	// RetryAfter, when positive, is sent with a Status answer as the
	// Retry-After header, in whole seconds rounded up.
	RetryAfter time.Duration
	// Drop closes the connection without answering. net/http resends an
	// idempotent request (GET) whose reused connection was closed before
	// any response byte; the resent request reaches the server and counts.
	Drop bool
	// Truncate runs the request (side effects happen), then sends status
	// 200 with the full Content-Length but half the body, and closes the
	// connection: an unexpected EOF.
	Truncate bool
	// Malformed runs the request (side effects happen), then answers 200
	// with a body that is not valid JSON.
	Malformed bool
}
