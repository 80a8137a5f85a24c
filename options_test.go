package iotclient_test

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
)

func apply(opts ...iotclient.Option) config.Settings { return config.Build(opts) }

func TestOptionsSetSettings(t *testing.T) {
	hc := &http.Client{Timeout: time.Second}
	l := slog.Default()
	s := apply(
		iotclient.WithHTTPClient(hc),
		iotclient.WithRetry(7),
		iotclient.WithBackoff(time.Second, time.Minute),
		iotclient.WithMaxRetryAfter(5*time.Second),
		iotclient.WithLogger(l),
		iotclient.WithUserAgent("fleet/2"),
		iotclient.WithRateLimit(10, 3),
		iotclient.WithMaxResponseSize(1<<20),
		iotclient.WithInsecureCredentials(),
	)
	require.NoError(t, s.Err())
	assert.Same(t, hc, s.HTTPClient)
	assert.Equal(t, 7, s.MaxRetries)
	assert.Equal(t, time.Second, s.RetryWaitMin)
	assert.Equal(t, time.Minute, s.RetryWaitMax)
	assert.Equal(t, 5*time.Second, s.MaxRetryAfter)
	assert.Same(t, l, s.Logger)
	assert.Equal(t, "fleet/2", s.UserAgent)
	require.NotNil(t, s.Limiter)
	assert.EqualValues(t, 10, s.Limiter.Limit())
	assert.Equal(t, 3, s.Limiter.Burst())
	assert.EqualValues(t, 1<<20, s.MaxResponseSize)
	assert.True(t, s.AllowInsecure)
}

func TestOptionDefaults(t *testing.T) {
	s := apply()
	assert.Equal(t, 3, s.MaxRetries)
	assert.Equal(t, 30*time.Second, s.MaxRetryAfter)
	assert.EqualValues(t, 8<<20, s.MaxResponseSize)
	assert.Nil(t, s.Limiter)
	assert.False(t, s.AllowInsecure)
}

func TestInvalidOptionsNameThemselves(t *testing.T) {
	for name, o := range map[string]iotclient.Option{
		"WithHTTPClient":      iotclient.WithHTTPClient(nil),
		"WithRetry":           iotclient.WithRetry(-1),
		"WithBackoff":         iotclient.WithBackoff(time.Second, time.Millisecond),
		"WithMaxRetryAfter":   iotclient.WithMaxRetryAfter(-time.Second),
		"WithRateLimit":       iotclient.WithRateLimit(0, 1),
		"WithMaxResponseSize": iotclient.WithMaxResponseSize(10),
	} {
		s := apply(o)
		err := s.Err()
		var ve *iotclient.ValidationError
		require.True(t, errors.As(err, &ve), name)
		assert.Equal(t, name, ve.Field)
		assert.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	}
}

// Values that would overflow, panic or silently disable a limit are
// refused.
func TestAbsurdOptionsAreRefused(t *testing.T) {
	for name, o := range map[string]iotclient.Option{
		"backoff max int":   iotclient.WithBackoff(math.MaxInt64, math.MaxInt64),
		"max size max int":  iotclient.WithMaxResponseSize(math.MaxInt64),
		"rate NaN":          iotclient.WithRateLimit(math.NaN(), 1),
		"rate +Inf":         iotclient.WithRateLimit(math.Inf(1), 1),
		"rate negative":     iotclient.WithRateLimit(-1, 1),
		"burst huge":        iotclient.WithRateLimit(1, math.MaxInt),
		"retry-after huge":  iotclient.WithMaxRetryAfter(math.MaxInt64),
		"attempt timeout 0": iotclient.WithAttemptTimeout(0),
		"attempt negative":  iotclient.WithAttemptTimeout(-time.Second),
	} {
		var ve *iotclient.ValidationError
		s := apply(o)
		require.ErrorAs(t, s.Err(), &ve, name)
	}
	s := apply(iotclient.WithAttemptTimeout(time.Second))
	assert.Equal(t, time.Second, s.AttemptTimeout)
	assert.Equal(t, 30*time.Second, apply().AttemptTimeout, "on by default")
	assert.Equal(t, apply().MaxRetries, apply(iotclient.Option{}).MaxRetries, "the zero Option changes nothing")
}
