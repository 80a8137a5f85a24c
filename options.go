package iotclient

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/iotclient/iotclient-go/internal/config"
)

// Option changes how a client is built: pass any of this package's With
// functions to commands.NewClient, clientstate.NewClient or
// live.NewMonitor (which takes WithLogger and WithInsecureCredentials and
// refuses the others). An invalid value makes the constructor return a
// *ValidationError naming the option; a nil Option changes nothing.
//
// Like google-cloud-go's option.ClientOption, Option is an interface whose
// method takes the SDK's internal settings: only this package can provide
// one, and the constructors apply it directly, so the set of options can
// grow without breaking anyone.
type Option interface {
	// Apply sets the option in the settings a client is built from. Only
	// the SDK calls it: its argument's type is internal.
	Apply(*config.Settings)
}

// option is every Option this package returns: its name, for errors and
// for a constructor that refuses options it does not use, and what it sets.
type option struct {
	name string
	set  func(*config.Settings)
}

// Apply records the option's name and sets it.
func (o option) Apply(s *config.Settings) {
	s.Applied = append(s.Applied, o.name)
	o.set(s)
}

// checked is the option name setting with set, or recording a
// *ValidationError for name when ok is false.
func checked(ok bool, name, value, reason string, set func(*config.Settings)) Option {
	return option{name: name, set: func(s *config.Settings) {
		if !ok {
			// An option's value is a number or a duration: short
			// enough to quote whole.
			s.Fail(&ValidationError{Field: name, Value: value, Reason: reason})
			return
		}
		set(s)
	}}
}

// maxDuration bounds the duration options: beyond it a value is a mistake
// or an overflow waiting to happen.
const maxDuration = 24 * time.Hour

// WithHTTPClient sends requests through c. Its Transport, Jar and
// CheckRedirect (after the SDK's redirect policy) are kept, and its
// Timeout bounds each attempt unless WithAttemptTimeout is given; the SDK
// adds authentication and rate limiting around the transport. c itself is
// not changed.
func WithHTTPClient(c *http.Client) Option {
	return checked(c != nil, "WithHTTPClient", "nil", "must not be nil",
		func(s *config.Settings) { s.HTTPClient = c })
}

// WithRetry sets how many times a failed request is retried (default 3, at
// most 100). Reads are retried on connection errors, 408, 429, 5xx and
// bodies cut short; a command delivery only when no connection was made,
// so it never reaches the platform twice.
func WithRetry(maxRetries int) Option {
	return checked(maxRetries >= 0 && maxRetries <= 100, "WithRetry", strconv.Itoa(maxRetries), "must be between 0 and 100",
		func(s *config.Settings) { s.MaxRetries = maxRetries })
}

// WithBackoff bounds the full-jitter backoff between retries: the n-th
// wait is random up to min(max, base·2ⁿ) (defaults 200ms and 10s; max at
// most 24h).
func WithBackoff(base, max time.Duration) Option {
	return checked(base > 0 && max >= base && max <= maxDuration, "WithBackoff", base.String()+".."+max.String(), "needs 0 < base <= max <= 24h",
		func(s *config.Settings) { s.RetryWaitMin, s.RetryWaitMax = base, max })
}

// WithMaxRetryAfter caps the Retry-After wait the SDK honours (default 30s,
// at most 24h); a longer one fails the call at once with its *APIError. A
// header of more seconds than int64 holds, or a date however far ahead,
// counts as longer than any cap (APIError.RetryAfter reports a year).
func WithMaxRetryAfter(d time.Duration) Option {
	return checked(d >= 0 && d <= maxDuration, "WithMaxRetryAfter", d.String(), "must be between 0 and 24h",
		func(s *config.Settings) { s.MaxRetryAfter = d })
}

// WithAttemptTimeout bounds each attempt, from connecting to reading the
// body's end, its redirects included (default 30s, between 1ms and 24h),
// so a silent or trickling server cannot hold a call without a deadline
// forever. A read that times
// out is retried. It replaces a WithHTTPClient client's Timeout.
func WithAttemptTimeout(d time.Duration) Option {
	return checked(d >= time.Millisecond && d <= maxDuration, "WithAttemptTimeout", d.String(), "must be between 1ms and 24h",
		func(s *config.Settings) { s.AttemptTimeout, s.AttemptTimeoutSet = d, true })
}

// WithLogger logs one debug event per attempt (method, URL without
// secrets, status, attempt, duration, request ID).
func WithLogger(l *slog.Logger) Option {
	return option{name: "WithLogger", set: func(s *config.Settings) { s.Logger = l }}
}

// WithUserAgent puts product (such as "fleet-audit/1.2") in front of the
// SDK's own "iotclient-go/<Version>" User-Agent.
func WithUserAgent(product string) Option {
	return option{name: "WithUserAgent", set: func(s *config.Settings) { s.UserAgent = product }}
}

// WithRateLimit limits every attempt of the client, IAM login included, to
// perSecond a second (finite, above 0, at most a million) with bursts of
// burst (1 to 1<<20), to stay under a platform quota (IBM allows 10 calls
// a second per organisation). The wait for the limiter comes before each
// attempt, under the caller's context only: WithAttemptTimeout starts when
// the attempt does, and a call fails at once if its context's deadline
// comes before its turn.
func WithRateLimit(perSecond float64, burst int) Option {
	// perSecond > 0 is false for NaN; the upper bound refuses +Inf.
	return checked(perSecond > 0 && perSecond <= 1e6 && burst >= 1 && burst <= 1<<20, "WithRateLimit",
		strconv.FormatFloat(perSecond, 'g', -1, 64)+"/s burst "+strconv.Itoa(burst),
		"needs 0 < perSecond <= 1e6 (finite) and 1 <= burst <= 1048576",
		func(s *config.Settings) { s.Limiter = rate.NewLimiter(rate.Limit(perSecond), burst) })
}

// WithMaxResponseSize caps the bytes of a response body read (default 8
// MiB, between 1 KiB and 1 GiB). A larger 2xx body is an error matching
// ErrMalformedResponse; an error answer's body is cut to the cap and keeps
// its status (APIError.Truncated), so it is retried or refreshes the token
// as a short one would.
func WithMaxResponseSize(n int64) Option {
	return checked(n >= 1024 && n <= config.MaxResponseSizeLimit, "WithMaxResponseSize", strconv.FormatInt(n, 10), "must be between 1024 and 1073741824 (1 GiB)",
		func(s *config.Settings) { s.MaxResponseSize = n })
}

// WithInsecureCredentials allows credentials over plain http to a host
// that is not a loopback address; without it such a client is refused.
func WithInsecureCredentials() Option {
	return option{name: "WithInsecureCredentials", set: func(s *config.Settings) { s.AllowInsecure = true }}
}
