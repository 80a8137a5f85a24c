package iotclient

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/iotclient/iotclient-go/internal/config"
)

// Option changes how a client is built. Pass options to commands.NewClient,
// clientstate.NewClient or clientstate.NewMonitor; an option given an
// invalid value makes the constructor return a *ValidationError naming it.
// The zero Option changes nothing.
type Option struct {
	apply func(*config.Settings)
}

func init() {
	// The platform packages build their settings with config.Build, which
	// reaches an Option's function through this (config cannot import this
	// package, which imports config).
	config.RegisterOptionFunc(func(o any) func(*config.Settings) {
		if op, ok := o.(Option); ok {
			return op.apply
		}
		return nil
	})
}

func option(f func(*config.Settings)) Option { return Option{apply: f} }

// Bounds of the options' values: beyond them a value is a mistake (or an
// overflow waiting to happen), refused with a *ValidationError.
const (
	maxDuration     = 24 * time.Hour
	maxResponseSize = config.MaxResponseSizeLimit
	maxRate         = 1e6
	maxBurst        = 1 << 20
)

// WithHTTPClient sends requests through c instead of a client of the SDK's
// own. Its Transport is kept (wrap it for tracing or metrics) and so are its
// Jar and CheckRedirect (after the SDK's own redirect policy) and its
// Timeout unless WithAttemptTimeout is given; the SDK adds authentication
// and rate limiting around the transport, and retries above it.
func WithHTTPClient(c *http.Client) Option {
	return option(func(s *config.Settings) {
		if c == nil {
			s.Fail(NewValidationError("WithHTTPClient", "nil", "must not be nil"))
			return
		}
		s.HTTPClient = c
	})
}

// WithRetry sets how many times a failed idempotent request is retried after
// its first attempt (default 3; 0 turns retries off). Reads are retried on
// connection errors, 408, 429, 5xx and bodies cut short; a command delivery
// only when the connection could not be made, so it never reaches the
// platform twice.
func WithRetry(maxRetries int) Option {
	return option(func(s *config.Settings) {
		if maxRetries < 0 || maxRetries > 100 {
			s.Fail(NewValidationError("WithRetry", strconv.Itoa(maxRetries), "must be between 0 and 100"))
			return
		}
		s.MaxRetries = maxRetries
	})
}

// WithBackoff sets the bounds of the full-jitter exponential backoff between
// retries: the n-th wait is a random duration up to min(max, base·2ⁿ)
// (defaults 200ms and 10s; max at most 24h).
func WithBackoff(base, max time.Duration) Option {
	return option(func(s *config.Settings) {
		if base <= 0 || max < base || max > maxDuration {
			s.Fail(NewValidationError("WithBackoff", base.String()+".."+max.String(), "needs 0 < base <= max <= 24h"))
			return
		}
		s.RetryWaitMin, s.RetryWaitMax = base, max
	})
}

// WithMaxRetryAfter caps the Retry-After wait the SDK honours (default 30s,
// at most 24h). When a server asks for longer, the call fails at once with
// an *APIError matching ErrRateLimited whose RetryAfter holds the wait asked
// for, instead of sleeping for it.
func WithMaxRetryAfter(d time.Duration) Option {
	return option(func(s *config.Settings) {
		if d < 0 || d > maxDuration {
			s.Fail(NewValidationError("WithMaxRetryAfter", d.String(), "must be between 0 and 24h"))
			return
		}
		s.MaxRetryAfter = d
	})
}

// WithAttemptTimeout bounds each attempt of a request (default 30s):
// connecting, the TLS handshake, waiting for the answer's headers and
// reading its body, so a server that never answers, or trickles its answer,
// cannot hold a call forever even when its context has no deadline. An
// attempt that times out is retried like a dropped connection (reads only).
// The caller's context still bounds the whole call. d must be between 1ms
// and 24h; it replaces the Timeout of a WithHTTPClient client.
func WithAttemptTimeout(d time.Duration) Option {
	return option(func(s *config.Settings) {
		if d < time.Millisecond || d > maxDuration {
			s.Fail(NewValidationError("WithAttemptTimeout", d.String(), "must be between 1ms and 24h"))
			return
		}
		s.AttemptTimeout, s.AttemptTimeoutSet = d, true
	})
}

// WithLogger logs one debug event per attempt (method, URL without secrets,
// status, attempt, duration, request ID). Nothing is logged without it.
func WithLogger(l *slog.Logger) Option {
	return option(func(s *config.Settings) { s.Logger = l })
}

// WithUserAgent puts product (such as "fleet-audit/1.2") in front of the
// SDK's own "iotclient-go/<Version>" User-Agent.
func WithUserAgent(product string) Option {
	return option(func(s *config.Settings) { s.UserAgent = product })
}

// WithRateLimit limits the client to perSecond requests a second with bursts
// of burst, shared by every call of that client (each attempt counts, the
// IAM login included), so a fleet-wide job stays under the platform quota
// (IBM allows 10 calls a second per organisation). Waiting for a slot ends
// when the context does. perSecond must be finite, above 0 and at most a
// million; burst between 1 and 1<<20.
func WithRateLimit(perSecond float64, burst int) Option {
	return option(func(s *config.Settings) {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) || perSecond > maxRate || burst < 1 || burst > maxBurst {
			s.Fail(NewValidationError("WithRateLimit", strconv.FormatFloat(perSecond, 'g', -1, 64)+"/s burst "+strconv.Itoa(burst),
				"needs 0 < perSecond <= 1e6 (finite) and 1 <= burst <= 1048576"))
			return
		}
		s.Limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
	})
}

// WithMaxResponseSize caps how many bytes of a response body the SDK reads
// (default 8 MiB, between 1 KiB and 1 GiB); a larger body is an error
// rather than unbounded memory.
func WithMaxResponseSize(n int64) Option {
	return option(func(s *config.Settings) {
		if n < 1024 || n > maxResponseSize {
			s.Fail(NewValidationError("WithMaxResponseSize", strconv.FormatInt(n, 10), "must be between 1024 and 1073741824 (1 GiB)"))
			return
		}
		s.MaxResponseSize = n
	})
}

// WithInsecureCredentials allows credentials to be sent over plain http to a
// host that is not a loopback address. Without it such a client is refused
// when it is built, so a typo in an endpoint cannot leak a token.
func WithInsecureCredentials() Option {
	return option(func(s *config.Settings) { s.AllowInsecure = true })
}
