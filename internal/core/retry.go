package core

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// retryableStatus lists the answers worth repeating a read for: the request
// timed out, was throttled, or met a transient server failure.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// permanentError is a failure of the SDK's own per-attempt work (applying a
// credential, waiting for the rate limiter): repeating it cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// checkRetry is the SDK's retry policy (see iotclient.WithRetry).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	a := attemptFrom(ctx)
	if err != nil {
		var pe *permanentError
		var tl *tooLargeError
		if errors.As(err, &pe) || errors.As(err, &tl) {
			return false, err
		}
		if a != nil && !a.idempotent {
			// A write may have reached the server unless the connection
			// was never made.
			return isDialError(err), err
		}
		var br *bodyReadError
		if errors.As(err, &br) {
			return true, err
		}
		return isTransient(err), err
	}
	if resp == nil || !retryableStatus(resp.StatusCode) {
		return false, nil
	}
	if a != nil && !a.idempotent {
		return false, nil
	}
	if retryAfter(resp.Header) > c.settings.MaxRetryAfter {
		// Fail now; the APIError carries the wait asked for.
		return false, nil
	}
	return true, nil
}

// isDialError reports a connection that could not be made, so the request
// provably never reached the server.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTransient reports connection failures worth another try: resets,
// refusals, timeouts and early EOFs; not TLS certificate or URL mistakes.
func isTransient(err error) bool {
	var ue interface{ Timeout() bool }
	if errors.As(err, &ue) && ue.Timeout() {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED)
}

// backoff is full-jitter exponential backoff, or the server's Retry-After
// when it sent one (checkRetry has already refused waits over the cap).
func (c *Client) backoff(base, max time.Duration, n int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra := retryAfter(resp.Header); ra > 0 {
			return ra
		}
	}
	ceil := max
	if n < 30 {
		if d := base << n; d > 0 && d < max {
			ceil = d
		}
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// retryAfter parses a Retry-After header given in seconds or as an
// HTTP-date; it is zero when absent or unparsable.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		if s > int64(365*24*time.Hour/time.Second) {
			s = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
