package core

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryableStatus lists the answers worth repeating a read for.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry is the SDK's retry policy (see iotclient.WithRetry). It also
// gives a Refresher one repeat after a 401, whatever the method: a 401
// means the platform did not process the request.
func (k *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		k.logAttempt(ctx, nil, err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		var pe *permanentError
		var tl *tooLargeError
		if errors.As(err, &pe) || errors.As(err, &tl) {
			return false, err
		}
		retry := isTransient(err)
		if !k.idempotent {
			// A write may have reached the server unless no connection was made.
			retry = isDialError(err)
		} else if errors.As(err, new(*bodyReadError)) || errors.As(err, new(*cutJSONError)) {
			retry = true
		}
		return retry && k.spendRetry(), err
	}
	if resp == nil {
		return false, nil
	}
	if resp.StatusCode == http.StatusUnauthorized {
		if r, ok := k.c.cred.(Refresher); ok && !k.refreshed {
			k.refreshed = true
			return r.Invalidate(resp.Request), nil
		}
		if r, ok := k.c.cred.(RefreshRejecter); ok && k.refreshed && !k.rejected {
			k.rejected = true // checkRetry sees a response twice
			r.RefreshRejected(resp.Request)
		}
	}
	if !retryableStatus(resp.StatusCode) || !k.idempotent {
		return false, nil
	}
	if retryAfter(resp.Header) > k.c.settings.MaxRetryAfter {
		// Fail now; the APIError carries the wait asked for.
		return false, nil
	}
	return k.spendRetry(), nil
}

func (k *call) spendRetry() bool {
	if k.retries >= k.c.settings.MaxRetries {
		return false
	}
	k.retries++
	return true
}

// isDialError reports a connection that could not be made.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTransient reports connection failures worth another try; not TLS
// certificate or URL mistakes.
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

// backoff waits not at all after a 401 (the token was replaced), for the
// server's Retry-After when it sent one (checkRetry refused those over the
// cap), else for a full-jitter exponential backoff.
func (k *call) backoff(base, max time.Duration, n int, resp *http.Response) time.Duration {
	if resp != nil {
		if resp.StatusCode == http.StatusUnauthorized {
			return 0
		}
		if ra := retryAfter(resp.Header); ra > 0 {
			return ra
		}
	}
	return jitter(base, max, k.retries-1)
}

// jitter is a random wait below min(max, base·2ⁿ); the shift cannot
// overflow.
func jitter(base, max time.Duration, n int) time.Duration {
	ceil := max
	if n >= 0 && n < 63 && base <= max>>n {
		ceil = base << n // at most max
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil)))
}

// maxRetryAfterHeader caps the wait a Retry-After header can ask for.
// Any value at or past it is "too long" under every WithMaxRetryAfter, so
// a number too large for int64, or a date centuries ahead, reports this
// rather than overflowing or being taken for no header at all.
const maxRetryAfterHeader = 365 * 24 * time.Hour

// retryAfter parses a Retry-After header in seconds or as an HTTP-date,
// capped at maxRetryAfterHeader; it is zero when absent or unparsable.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v != "" && strings.Trim(v, "0123456789") == "" {
		// delay-seconds is 1*DIGIT: ParseInt fails only past int64, which
		// is a long wait, not an absent one.
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s > int64(maxRetryAfterHeader/time.Second) {
			return maxRetryAfterHeader
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), maxRetryAfterHeader)
	}
	return 0
}
