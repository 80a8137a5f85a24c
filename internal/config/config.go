// Package config holds the settings iotclient.Option values change, apart
// from the root package so that the HTTP core can read them.
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

// optionFunc returns an iotclient.Option's function; the root package
// registers it, since config cannot import it.
var optionFunc func(any) func(*Settings)

// RegisterOptionFunc is called once, by package iotclient.
func RegisterOptionFunc(f func(any) func(*Settings)) { optionFunc = f }

// Build returns the default settings with opts (iotclient.Option values)
// applied in order.
func Build[O any](opts []O) Settings {
	s := Default()
	for _, o := range opts {
		if f := optionFunc(o); f != nil {
			f(&s)
		}
	}
	return s
}
