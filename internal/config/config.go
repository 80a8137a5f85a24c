// Package config holds the settings iotclient.Option values (and
// auth.AKSKOption values) change, apart from the root package so that the
// HTTP core can read them. Being
// internal, Settings is also what keeps Option closed: its method takes a
// *Settings, which no other module can name (google-cloud-go's
// option.ClientOption and internal.DialSettings work the same way).
package config

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// MaxResponseSizeLimit is the largest MaxResponseSize, far from where
// limit+1 could overflow.
const MaxResponseSizeLimit = 1 << 30

// Settings is what a client is built from.
type Settings struct {
	HTTPClient        *http.Client
	MaxRetries        int
	RetryWaitMin      time.Duration
	RetryWaitMax      time.Duration
	MaxRetryAfter     time.Duration
	Logger            *slog.Logger
	UserAgent         string
	Limiter           *rate.Limiter
	MaxResponseSize   int64
	AttemptTimeout    time.Duration
	AttemptTimeoutSet bool // an option chose it: it replaces the HTTP client's Timeout
	AllowInsecure     bool // credentials may go over plain http to any host
	// Applied names the options applied, in order, such as "WithRetry":
	// a constructor refuses those it does not use rather than ignore them.
	Applied []string

	errs []error
}

// Default returns the settings before any option is applied (the
// defaults the options document).
func Default() Settings {
	return Settings{
		MaxRetries:      3,
		RetryWaitMin:    200 * time.Millisecond,
		RetryWaitMax:    10 * time.Second,
		MaxRetryAfter:   30 * time.Second,
		MaxResponseSize: 8 << 20,
		AttemptTimeout:  30 * time.Second,
	}
}

// Fail records an invalid option; Err reports it when the client is built.
func (s *Settings) Fail(err error) { s.errs = append(s.errs, err) }

// Err returns the errors recorded by options, joined.
func (s *Settings) Err() error { return errors.Join(s.errs...) }

// AKSK is what auth.AKSKOption values change: AK/SK signing beyond the key
// pair. It is internal for the reason Settings is.
type AKSK struct {
	SecurityToken string // a temporary AK/SK's session token
	Temporary     bool   // WithSecurityToken was given
	Region        string // the region of the derived signature
	ForceDerived  bool   // WithDerivedSigning was given
}
