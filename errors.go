package iotclient

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors: an *APIError matches the one of its HTTP status with
// errors.Is, a *ValidationError matches ErrInvalidArgument.
var (
	// ErrInvalidArgument: refused by the SDK before sending
	// (*ValidationError) or by the platform (400).
	ErrInvalidArgument = errors.New("iotclient: invalid argument")
	// ErrUnauthorized: the credentials are missing, wrong or expired (401).
	ErrUnauthorized = errors.New("iotclient: unauthorized")
	// ErrForbidden: the credentials are valid but not allowed to do this (403).
	ErrForbidden = errors.New("iotclient: forbidden")
	// ErrNotFound: the device, client or command does not exist (404).
	ErrNotFound = errors.New("iotclient: not found")
	// ErrConflict: the request conflicts with the resource's state (409).
	ErrConflict = errors.New("iotclient: conflict")
	// ErrRateLimited: the platform throttled the caller (429, IoTDA's 403
	// rate-limit codes IOTDA.021101 and IOTDA.021102, or a 503 carrying
	// Retry-After).
	ErrRateLimited = errors.New("iotclient: rate limited")
	// ErrServer: the platform failed (5xx).
	ErrServer = errors.New("iotclient: server error")
	// ErrMalformedResponse: a 2xx body was not the documented JSON, was cut
	// short or exceeded the size cap; the error's text says which.
	ErrMalformedResponse = errors.New("iotclient: malformed response")
	// ErrNoConfig: a ConfigFromEnv found none of its platform's
	// environment variables set. Programs that can run against a fake
	// (commandstest, clientstatetest, livetest) start it on this error.
	ErrNoConfig = errors.New("iotclient: no configuration in the environment")
)

// APIError is the error for every response outside 2xx, with the
// platform's error code and message from the body (IoTDA, its API gateway,
// IAM or IBM).
type APIError struct {
	StatusCode int    // HTTP status code
	Code       string // platform error code: "IOTDA.014000", "APIGW.0301", "CUDRS0007E"
	Message    string // platform error message
	RequestID  string // X-Request-Id header, or the body's request_id
	Method     string // request method
	URL        string // request URL without user information
	// Violations lists the problems IBM reports with a 400, as "ID: message".
	Violations []string
	// RetryAfter is the server's Retry-After (zero for none). When it
	// exceeds the client's cap the call fails at once with this error.
	RetryAfter time.Duration
	Attempts   int // times the request was sent
	// Truncated reports a body longer than the client's size cap
	// (WithMaxResponseSize): only its start was read, so Code and Message
	// may be missing or cut. The status, and so the sentinel, still holds.
	Truncated bool
}

// Error describes the failure in one line; it never contains credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "iotclient: %s %s: %d", e.Method, e.URL, e.StatusCode)
	// IBM messages begin with their exception ID: print it once.
	if e.Code != "" && !strings.HasPrefix(e.Message, e.Code) {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Violations) > 0 {
		fmt.Fprintf(&b, " (violations: %s)", strings.Join(e.Violations, "; "))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request ID %s)", e.RequestID)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Truncated {
		b.WriteString(" (body cut at the size limit)")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Is reports whether target is the sentinel of this error's status, or
// ErrRateLimited for the platforms' rate-limit codes.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrRateLimited:
		// A 503 with Retry-After is throttling too (IBM documents no status).
		return e.StatusCode == 429 || e.Code == "IOTDA.021101" || e.Code == "IOTDA.021102" ||
			e.Code == "APIGW.0308" || (e.StatusCode == 503 && e.RetryAfter > 0)
	case ErrServer:
		return e.StatusCode >= 500
	}
	return target != nil && statusSentinels[e.StatusCode] == target
}

var statusSentinels = map[int]error{
	400: ErrInvalidArgument, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 409: ErrConflict,
}

// ValidationError reports input the SDK refused before sending any request.
// It matches ErrInvalidArgument with errors.Is.
type ValidationError struct {
	Field  string // the argument or field, as the caller knows it: "deviceID", "HistoryQuery.PageSize"
	Value  string // the offending value, shortened; never a secret
	Reason string // what is wrong with it
}

// Error names the field, the value and the reason.
func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("iotclient: invalid %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("iotclient: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// Is reports whether target is ErrInvalidArgument.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidArgument }
