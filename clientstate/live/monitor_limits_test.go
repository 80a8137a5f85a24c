package live_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// A status message over Config.MaxMessageSize is reported as a
// *MessageError with only the start of its payload, and the stream goes
// on over the same connection; one within the cap is decoded.
func TestMonitorCapsTheMessageSize(t *testing.T) {
	for name, tc := range map[string]struct {
		max, size int
		ws        bool
	}{
		"default cap, 1 MiB message":            {0, 1 << 20, false},
		"cap 2 KiB, 3 KiB message":              {2048, 3072, false},
		"default cap, 1 MiB message, WebSocket": {0, 1 << 20, true},
	} {
		t.Run(name, func(t *testing.T) {
			srv, id := newLiveServer(t)
			cfg := srv.LiveConfig()
			cfg.MaxMessageSize = tc.max
			if tc.ws {
				cfg.Broker = wsBridge(t, srv.BrokerURL())
			}
			const topic = "iot-2/type/pump/id/p-1/mon"
			payload := []byte(`{"Action":"Connect","Time":"2024-06-01T12:00:00.000Z","ClientID":"` + id + `","Reason":"` +
				strings.Repeat("x", tc.size) + `"}`)
			cfg.OnConnect = func(info live.ConnectInfo) {
				require.Equal(t, 1, info.Connection, "no reconnect")
				require.NoError(t, srv.PublishRaw(topic, payload, false))
				require.NoError(t, srv.Connect(id)) // a status message within the cap
			}
			m, err := live.NewMonitor(cfg)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(t.Context(), monWait)
			defer cancel()
			var me *live.MessageError
			for ev, err := range m.Events(ctx) {
				if me == nil {
					require.ErrorAs(t, err, &me)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, live.ActionConnect, ev.Action)
				assert.Equal(t, id, ev.ClientID)
				break
			}
			require.NotNil(t, me, "the stream ended: %v", ctx.Err())
			assert.ErrorIs(t, me, live.ErrMessageTooLarge)
			assert.ErrorIs(t, me, iotclient.ErrMalformedResponse)
			assert.True(t, live.IsTransient(me))
			assert.Equal(t, topic, me.Topic)
			assert.Equal(t, len(payload), me.Size)
			assert.Equal(t, payload[:min(len(payload), live.MaxErrorPayload)], me.Payload, "the payload's first MaxErrorPayload bytes")
			assert.Contains(t, me.Error(), topic)
		})
	}
}

// wsBridge serves MQTT over WebSocket on loopback, relaying each
// connection to the TCP broker at brokerURL, and returns its ws:// address.
func wsBridge(t *testing.T, brokerURL string) string {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{"mqtt"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		tcp, err := net.Dial("tcp", strings.TrimPrefix(brokerURL, "tcp://"))
		if err != nil {
			return
		}
		defer tcp.Close()
		go func() { // broker to client, until either side closes
			defer ws.Close()
			buf := make([]byte, 32<<10)
			for {
				n, err := tcp.Read(buf)
				if err != nil || ws.WriteMessage(websocket.BinaryMessage, buf[:n]) != nil {
					return
				}
			}
		}()
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if _, err := tcp.Write(msg); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/mqtt"
}

// A payload that does not decode is kept in the error only up to
// MaxErrorPayload bytes.
func TestMessageErrorKeepsABoundedPrefix(t *testing.T) {
	payload := bytes.Repeat([]byte("y"), 60<<10)
	_, err := live.ParseStatusMessage("iot-2/type/pump/id/p-1/mon", payload)
	me, ok := errors.AsType[*live.MessageError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, payload[:live.MaxErrorPayload], me.Payload)
	assert.Equal(t, len(payload), me.Size)

	_, err = live.ParseStatusMessage("iot-2/type/pump/id/p-1/mon", []byte("short"))
	me, ok = errors.AsType[*live.MessageError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, []byte("short"), me.Payload)
	assert.Equal(t, 5, me.Size)
}

func TestNewMonitorValidatesMaxMessageSize(t *testing.T) {
	srv, _ := newLiveServer(t)
	for _, n := range []int{-1, 1, 1023, live.MaxMessageSizeLimit + 1} {
		cfg := srv.LiveConfig()
		cfg.MaxMessageSize = n
		_, err := live.NewMonitor(cfg)
		ve, ok := errors.AsType[*iotclient.ValidationError](err)
		require.True(t, ok, "MaxMessageSize %d: %v", n, err)
		assert.Equal(t, "Config.MaxMessageSize", ve.Field)
	}
	for _, n := range []int{0, 1024, live.MaxMessageSizeLimit} {
		cfg := srv.LiveConfig()
		cfg.MaxMessageSize = n
		_, err := live.NewMonitor(cfg)
		require.NoError(t, err, "MaxMessageSize %d", n)
	}
}
