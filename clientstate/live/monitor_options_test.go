package live_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// A monitor sends no HTTP request: the client options about requests are
// refused by name, so a caller does not believe them in force.
func TestNewMonitorRefusesOptionsItDoesNotUse(t *testing.T) {
	cfg := live.Config{Auth: auth.APIKey(monKey, monToken)}
	for name, o := range map[string]iotclient.Option{
		"WithRetry":           iotclient.WithRetry(2),
		"WithRateLimit":       iotclient.WithRateLimit(10, 1),
		"WithAttemptTimeout":  iotclient.WithAttemptTimeout(time.Second),
		"WithBackoff":         iotclient.WithBackoff(time.Second, time.Minute),
		"WithMaxRetryAfter":   iotclient.WithMaxRetryAfter(time.Second),
		"WithHTTPClient":      iotclient.WithHTTPClient(http.DefaultClient),
		"WithUserAgent":       iotclient.WithUserAgent("fleet/1"),
		"WithMaxResponseSize": iotclient.WithMaxResponseSize(1 << 20),
	} {
		m, err := live.NewMonitor(cfg, iotclient.WithLogger(slog.Default()), o)
		require.Nil(t, m, name)
		require.ErrorIs(t, err, iotclient.ErrInvalidArgument, name)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, name)
		require.Equal(t, name, ve.Field)
		require.Contains(t, err.Error(), "WithLogger and WithInsecureCredentials", name)
	}

	m, err := live.NewMonitor(cfg, iotclient.WithLogger(slog.Default()), iotclient.WithInsecureCredentials(), nil)
	require.NoError(t, err, "the options a monitor uses, and a nil one, are accepted")
	require.NotNil(t, m)
}
