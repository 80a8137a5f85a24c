// Package config holds the settings that iotclient.Option values change. It
// lives under internal so that the root package can expose options while the
// HTTP core reads them, without an import cycle.
package config

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for Settings.
const (
	DefaultMaxRetries      = 3
	DefaultRetryWaitMin    = 200 * time.Millisecond
	DefaultRetryWaitMax    = 10 * time.Second
	DefaultMaxRetryAfter   = 30 * time.Second
	DefaultMaxResponseSize = 8 << 20
	DefaultAttemptTimeout  = 30 * time.Second
)

// Settings is what a client is built from.
type Settings struct {
	HTTPClient      *http.Client
	MaxRetries      int
	RetryWaitMin    time.Duration
	RetryWaitMax    time.Duration
	MaxRetryAfter   time.Duration
	Logger          *slog.Logger
	UserAgent       string
	Limiter         *rate.Limiter
	MaxResponseSize int64
	// AttemptTimeout bounds one attempt (0: none); AttemptTimeoutSet
	// says an option chose it, so it replaces the HTTP client's Timeout.
	AttemptTimeout    time.Duration
	AttemptTimeoutSet bool
	// AllowInsecure lets credentials travel over plain http to a
	// non-loopback host.
	AllowInsecure bool

	errs []error
}

// Default returns the settings before any option is applied.
func Default() Settings {
	return Settings{
		MaxRetries:      DefaultMaxRetries,
		RetryWaitMin:    DefaultRetryWaitMin,
		RetryWaitMax:    DefaultRetryWaitMax,
		MaxRetryAfter:   DefaultMaxRetryAfter,
		MaxResponseSize: DefaultMaxResponseSize,
		AttemptTimeout:  DefaultAttemptTimeout,
	}
}

// Fail records an invalid option; Err reports it when the client is built.
func (s *Settings) Fail(err error) { s.errs = append(s.errs, err) }

// Err returns the errors recorded by options, joined.
func (s *Settings) Err() error { return errors.Join(s.errs...) }
