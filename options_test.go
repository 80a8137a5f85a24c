package iotclient_test

import (
	"errors"
	"log/slog"
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
	assert.Equal(t, config.DefaultMaxRetries, s.MaxRetries)
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
