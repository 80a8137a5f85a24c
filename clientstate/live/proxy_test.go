package live_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/proxytest"
)

// A ws:// broker on a loopback address is reached directly however its
// host is spelled, never through HTTP_PROXY: the MQTT CONNECT carries the
// API key and token in clear.
func TestWebSocketToLoopbackBypassesTheEnvironmentProxy(t *testing.T) {
	if !proxytest.Isolated(t) {
		return
	}
	proxy := proxytest.New(t)
	for _, k := range []string{"HTTP_PROXY", "http_proxy"} {
		t.Setenv(k, proxy.URL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	// The broker refuses the WebSocket upgrade: reaching it is enough.
	reached := make(chan string, 10)
	broker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached <- r.Host
		http.Error(w, "no WebSocket here", http.StatusBadRequest)
	}))
	t.Cleanup(broker.Close)
	port := broker.URL[strings.LastIndexByte(broker.URL, ':'):]
	for _, host := range []string{"LOCALHOST", "LocalHost"} {
		m, err := live.NewMonitor(live.Config{Broker: "ws://" + host + port + "/mqtt", Auth: auth.APIKey("a-ab12cd-key", "tok&en(1)!?")})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		for _, err := range m.Events(ctx) {
			var ce *live.ConnectionError
			require.ErrorAs(t, err, &ce, host)
			break // the first attempt failed, as the broker refuses
		}
		cancel()
		select {
		case got := <-reached:
			assert.Equal(t, "localhost"+port, got)
		default:
			t.Errorf("%s: the broker was not reached", host)
		}
	}
	assert.Empty(t, proxy.Seen(), "the MQTT CONNECT went to the proxy")
}
