package iotclient

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/iotclient/iotclient-go/internal/config"
)

// Option changes how a client is built. Pass options to commands.NewClient
// or clientstate.NewClient; an option given an invalid value makes NewClient
// return a *ValidationError naming it.
type Option func(*config.Settings)

// WithHTTPClient sends requests through c instead of a client of the SDK's
// own. Its Transport is kept (wrap it for tracing or metrics) and so are its
// Timeout, Jar and CheckRedirect; the SDK adds authentication, logging and
// rate limiting around the transport, and retries above it.
func WithHTTPClient(c *http.Client) Option {
	return func(s *config.Settings) {
		if c == nil {
			s.Fail(NewValidationError("WithHTTPClient", "nil", "must not be nil"))
			return
		}
		s.HTTPClient = c
	}
}

// WithRetry sets how many times a failed idempotent request is retried after
// its first attempt (default 3; 0 turns retries off). Reads are retried on
// connection errors, 408, 429 and 5xx; a command delivery only when the
// connection could not be made, so it never reaches the platform twice.
func WithRetry(maxRetries int) Option {
	return func(s *config.Settings) {
		if maxRetries < 0 || maxRetries > 100 {
			s.Fail(NewValidationError("WithRetry", strconv.Itoa(maxRetries), "must be between 0 and 100"))
			return
		}
		s.MaxRetries = maxRetries
	}
}

// WithBackoff sets the bounds of the full-jitter exponential backoff between
// retries: the n-th wait is a random duration up to min(max, base·2ⁿ)
// (defaults 200ms and 10s).
func WithBackoff(base, max time.Duration) Option {
	return func(s *config.Settings) {
		if base <= 0 || max < base {
			s.Fail(NewValidationError("WithBackoff", base.String()+".."+max.String(), "needs 0 < base <= max"))
			return
		}
		s.RetryWaitMin, s.RetryWaitMax = base, max
	}
}

// WithMaxRetryAfter caps the Retry-After wait the SDK honours (default 30s).
// When a server asks for longer, the call fails at once with an *APIError
// matching ErrRateLimited whose RetryAfter holds the wait asked for, instead
// of sleeping for it.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *config.Settings) {
		if d < 0 {
			s.Fail(NewValidationError("WithMaxRetryAfter", d.String(), "must not be negative"))
			return
		}
		s.MaxRetryAfter = d
	}
}

// WithLogger logs one debug event per attempt (method, URL without secrets,
// status, attempt, duration, request ID) and a warning per retry. Nothing is
// logged without it.
func WithLogger(l *slog.Logger) Option {
	return func(s *config.Settings) { s.Logger = l }
}

// WithUserAgent puts product (such as "fleet-audit/1.2") in front of the
// SDK's own "iotclient-go/<Version>" User-Agent.
func WithUserAgent(product string) Option {
	return func(s *config.Settings) { s.UserAgent = product }
}

// WithRateLimit limits the client to perSecond requests a second with bursts
// of burst, shared by every call of that client (each attempt counts), so a
// fleet-wide job stays under the platform quota (IBM allows 10 calls a
// second per organisation). Waiting for a slot ends when the context does.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *config.Settings) {
		if perSecond <= 0 || burst < 1 {
			s.Fail(NewValidationError("WithRateLimit", "", "needs perSecond > 0 and burst >= 1"))
			return
		}
		s.Limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
}

// WithMaxResponseSize caps how many bytes of a response body the SDK reads
// (default 8 MiB); a larger body is an error rather than unbounded memory.
func WithMaxResponseSize(n int64) Option {
	return func(s *config.Settings) {
		if n < 1024 {
			s.Fail(NewValidationError("WithMaxResponseSize", strconv.Itoa(int(n)), "must be at least 1024"))
			return
		}
		s.MaxResponseSize = n
	}
}

// WithInsecureCredentials allows credentials to be sent over plain http to a
// host that is not a loopback address. Without it such a client is refused
// when it is built, so a typo in an endpoint cannot leak a token.
func WithInsecureCredentials() Option {
	return func(s *config.Settings) { s.AllowInsecure = true }
}
