package live_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

const (
	monKey   = "a-ab12cd-k3yk3yk3y"
	monToken = "s3cr3t-t0k3n-do-not-print"
)

func TestNewMonitorDefaults(t *testing.T) {
	m, err := live.NewMonitor(live.Config{Auth: auth.APIKey(monKey, monToken)})
	require.NoError(t, err)
	require.Equal(t, "ssl://ab12cd.messaging.internetofthings.ibmcloud.com:8883", m.Broker())
	require.Equal(t, []string{"iot-2/type/+/id/+/mon"}, m.Topics())
	require.Regexp(t, `^a:ab12cd:iotclient-[0-9a-f]{16}$`, m.ClientID())

	other, err := live.NewMonitor(live.Config{Auth: auth.APIKey(monKey, monToken)})
	require.NoError(t, err)
	require.NotEqual(t, m.ClientID(), other.ClientID(), "each monitor has its own app ID")
}

func TestNewMonitorSettings(t *testing.T) {
	m, err := live.NewMonitor(live.Config{
		OrgID:  "xy98zw",
		Domain: "example.com",
		Auth:   auth.APIKey(monKey, monToken),
		AppID:  "ops.dash_1",
		Subscriptions: []live.Subscription{
			live.DeviceStatus("sensor", ""),
			live.DeviceStatus("sensor", "+"), // the same filter: once
			live.DeviceStatus("", "s-1"),
			live.AppStatus(""),
			live.AppStatus("billing"),
		},
	})
	require.NoError(t, err)
	require.Equal(t, "ssl://xy98zw.messaging.example.com:8883", m.Broker())
	require.Equal(t, "a:xy98zw:ops.dash_1", m.ClientID())
	require.Equal(t, []string{"iot-2/type/sensor/id/+/mon", "iot-2/type/+/id/s-1/mon", "iot-2/app/+/mon", "iot-2/app/billing/mon"}, m.Topics())

	for broker, want := range map[string]string{
		"tcp://127.0.0.1":            "tcp://127.0.0.1:1883",
		"mqtt://localhost:1999":      "tcp://localhost:1999",
		"tls://broker.example.com":   "ssl://broker.example.com:8883",
		"mqtts://broker.example.com": "ssl://broker.example.com:8883",
		"wss://broker.example.com":   "wss://broker.example.com:443",
		"ws://[::1]/mqtt":            "ws://[::1]:80/mqtt",
	} {
		m, err := live.NewMonitor(live.Config{Auth: auth.APIKey(monKey, monToken), Broker: broker})
		require.NoError(t, err, broker)
		require.Equal(t, want, m.Broker())
	}
	_, err = live.NewMonitor(live.Config{Auth: auth.APIKey(monKey, monToken), Broker: "tcp://10.0.0.1:1883"},
		iotclient.WithInsecureCredentials())
	require.NoError(t, err, "plain TCP to a remote host when the caller insists")
}

func TestNewMonitorRefusesBadConfig(t *testing.T) {
	key := auth.APIKey(monKey, monToken)
	for _, tc := range []struct {
		name, field string
		cfg         live.Config
	}{
		{"no credential", "Config.Auth", live.Config{}},
		{"empty token", "auth.APIKey token", live.Config{Auth: auth.APIKey(monKey, "")}},
		{"not an API key", "Config.Auth", live.Config{Auth: auth.Token("tok")}},
		{"no org in the key", "Config.OrgID", live.Config{Auth: auth.APIKey("my-key", monToken)}},
		{"bad org", "Config.OrgID", live.Config{Auth: key, OrgID: "ab:cd"}},
		{"bad app ID", "Config.AppID", live.Config{Auth: key, AppID: "has space"}},
		{"long app ID", "Config.AppID", live.Config{Auth: key, AppID: strings.Repeat("a", 37)}},
		{"bad domain", "Config.Domain", live.Config{Auth: key, Domain: "bad_domain"}},
		{"token in clear", "Config.Broker", live.Config{Auth: key, Broker: "tcp://10.0.0.1:1883"}},
		{"http broker", "Config.Broker", live.Config{Auth: key, Broker: "http://127.0.0.1"}},
		{"credentials in the URL", "Config.Broker", live.Config{Auth: key, Broker: "tcp://user:pw@127.0.0.1:1883"}},
		{"no scheme", "Config.Broker", live.Config{Auth: key, Broker: "127.0.0.1:1883"}},
		{"zero subscription", "Config.Subscriptions[0]", live.Config{Auth: key, Subscriptions: []live.Subscription{{}}}},
		{"slash in a type", "Config.Subscriptions[1]", live.Config{Auth: key, Subscriptions: []live.Subscription{live.AppStatus("+"), live.DeviceStatus("a/b", "+")}}},
		{"multi-level wildcard", "Config.Subscriptions[0]", live.Config{Auth: key, Subscriptions: []live.Subscription{live.DeviceStatus("+", "#")}}},
		{"partial wildcard", "Config.Subscriptions[0]", live.Config{Auth: key, Subscriptions: []live.Subscription{live.AppStatus("a+")}}},
		{"keepalive under a second", "Config.KeepAlive", live.Config{Auth: key, KeepAlive: time.Millisecond}},
		{"backoff bounds swapped", "Config.ReconnectWait", live.Config{Auth: key, ReconnectWait: time.Minute, MaxReconnectWait: time.Second}},
		{"negative buffer", "Config.EventBuffer", live.Config{Auth: key, EventBuffer: -1}},
	} {
		_, err := live.NewMonitor(tc.cfg)
		require.ErrorIs(t, err, iotclient.ErrInvalidArgument, tc.name)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		require.Equal(t, tc.field, ve.Field, tc.name)
		require.NotContains(t, err.Error(), monToken, tc.name)
	}
	_, err := live.NewMonitor(live.Config{Auth: key}, iotclient.WithRetry(-1))
	require.ErrorIs(t, err, iotclient.ErrInvalidArgument, "invalid options are reported")
}

func TestMonitorConfigPrintsNoSecrets(t *testing.T) {
	cfg := live.Config{Auth: auth.APIKey(monKey, monToken), Broker: "tcp://user:pw@127.0.0.1:1883",
		Subscriptions: []live.Subscription{live.AppStatus("x")}}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		require.NotContains(t, s, monToken)
		require.NotContains(t, s, "pw@")
		require.Contains(t, s, "iot-2/app/x/mon")
	}
	cfg.Broker = "tcp://127.0.0.1:1883"
	m, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		s := fmt.Sprintf(verb, m)
		require.NotContains(t, s, monToken, verb)
		require.Contains(t, s, "tcp://127.0.0.1:1883", verb)
	}
}

// A monitor that cannot reach its broker keeps retrying (each failure a
// transient error) until the context ends, then leaves nothing running.
func TestMonitorRetriesUnreachableBrokerUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now

	m, err := live.NewMonitor(live.Config{
		Auth: auth.APIKey(monKey, monToken), Broker: "tcp://" + addr,
		ReconnectWait: time.Millisecond, MaxReconnectWait: 4 * time.Millisecond,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), monWait)
	defer cancel()
	attempts := 0
	for _, err := range m.Events(ctx) {
		var ce *live.ConnectionError
		require.ErrorAs(t, err, &ce)
		require.True(t, live.IsTransient(err))
		require.False(t, ce.Lost)
		attempts++
		require.Equal(t, attempts, ce.Attempt)
		require.LessOrEqual(t, ce.RetryIn, 4*time.Millisecond)
		require.Contains(t, err.Error(), "tcp://"+addr)
		if attempts == 5 {
			cancel()
		}
	}
	require.Equal(t, 5, attempts, "nothing is yielded after cancel")
	requireNoGoroutines(t, monitorGoroutines...)
}

// Cancelling while a connection attempt hangs (a listener that never
// answers the MQTT handshake) ends the stream at once.
func TestMonitorCancelDuringHandshake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	m, err := live.NewMonitor(live.Config{Auth: auth.APIKey(monKey, monToken), Broker: "tcp://" + ln.Addr().String()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, err := range m.Events(ctx) {
			t.Errorf("unexpected item: %v", err)
		}
	}()
	var conn net.Conn
	select {
	case conn = <-accepted:
	case <-time.After(monWait):
		t.Fatal("the monitor did not connect")
	}
	defer conn.Close()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // far below the 30s connect timeout
		t.Fatal("Events did not return after cancel during the handshake")
	}
	requireNoGoroutines(t, monitorGoroutines...)
}
