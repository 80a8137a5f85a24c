package iotclienttest

import "time"

// Fault is one failure a fake injects (Fake.FailNext, Fake.SetFaultRate).
// Exactly one behaviour applies, checked in this order: Drop, Truncate,
// Malformed, then Status. A fault is decided when a request arrives,
// before authentication and validation.
type Fault struct {
	// Status answers with this HTTP status and the platform's error
	// body: IoTDA's {"error_code","error_msg","request_id"} (429 is
	// APIGW.0308, 401 APIGW.0301) or IBM's
	// {"message","exception":{"id","properties"}}. Zero, with no other
	// behaviour set, means 500.
	Status int
	// Code replaces the body's error code (IoTDA's error_code, IBM's
	// exception id); empty picks the platform's code for Status.
	Code string
	// RetryAfter, when positive, is sent with a Status answer as the
	// Retry-After header, in whole seconds rounded up.
	RetryAfter time.Duration
	// Drop closes the connection without answering. Over a socket,
	// net/http resends an idempotent request (GET) whose reused
	// connection was closed before any response byte, and the resent
	// request reaches the fake and counts; through the in-memory client
	// (NewClient) the attempt fails with an error wrapping io.EOF, which
	// the SDK retries as it would a dropped connection.
	Drop bool
	// Truncate runs the request (side effects such as storing a
	// delivered command happen), then sends status 200 with the full
	// Content-Length but half the body, and closes the connection: an
	// unexpected EOF.
	Truncate bool
	// Malformed runs the request (side effects happen), then answers 200
	// with a body that is not valid JSON.
	Malformed bool
}
