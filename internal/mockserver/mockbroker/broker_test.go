package mockbroker

import (
	"net/http"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"

	paho "github.com/eclipse/paho.mqtt.golang"
	pahopk "github.com/eclipse/paho.mqtt.golang/packets"
	"github.com/iotclient/iotclient-go/internal/mockserver"
	"github.com/stretchr/testify/require"
)

const mqttWait = 10 * time.Second

func newServer(t testing.TB, opts ...mockserver.Option) *mockserver.Server {
	t.Helper()
	s := mockserver.New(opts...)
	t.Cleanup(s.Close)
	return s
}

func newBroker(t *testing.T, s *mockserver.Server) *Broker {
	t.Helper()
	b, err := Start(s)
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return b
}

// mqttMsg is a message a test subscriber received.
type mqttMsg struct {
	topic    string
	payload  map[string]any
	retained bool
}

// subscribe connects a plain MQTT client and subscribes to filter; its
// messages arrive on the returned channel.
func subscribe(t *testing.T, b *Broker, clientID, filter string) (paho.Client, chan mqttMsg) {
	t.Helper()
	ch := make(chan mqttMsg, 4096)
	c := connectClient(t, b, clientID, mockserver.APIKey, mockserver.APIToken)
	require.NoError(t, connectErr(t, c))
	tok := c.Subscribe(filter, 0, func(_ paho.Client, m paho.Message) {
		var p map[string]any
		_ = json.Unmarshal(m.Payload(), &p)
		ch <- mqttMsg{m.Topic(), p, m.Retained()}
	})
	require.True(t, tok.WaitTimeout(mqttWait))
	require.NoError(t, tok.Error())
	return c, ch
}

func connectClient(t *testing.T, b *Broker, clientID, user, pass string) paho.Client {
	t.Helper()
	c := paho.NewClient(paho.NewClientOptions().AddBroker(b.Addr()).SetClientID(clientID).
		SetUsername(user).SetPassword(pass).SetProtocolVersion(4).SetAutoReconnect(false).
		SetConnectTimeout(mqttWait))
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

func connectErr(t *testing.T, c paho.Client) error {
	t.Helper()
	tok := c.Connect()
	require.True(t, tok.WaitTimeout(mqttWait))
	return tok.Error()
}

func recv(t *testing.T, ch chan mqttMsg) mqttMsg {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(mqttWait):
		t.Fatal("no message in time")
	}
	return mqttMsg{}
}

// restState reads a client's state over HTTP, as the SDK would.
func restState(t *testing.T, s *mockserver.Server, id string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL()+"/api/v0002/clientconnectionstates/"+id, nil)
	require.NoError(t, err)
	req.SetBasicAuth(mockserver.APIKey, mockserver.APIToken)
	resp, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var m map[string]any
	require.NoError(t, json.UnmarshalRead(resp.Body, &m))
	return m
}

func TestMQTTAuthenticatesAndChecksClientIDs(t *testing.T) {
	b := newBroker(t, newServer(t))
	require.ErrorIs(t, connectErr(t, connectClient(t, b, "a:ab12cd:app1", mockserver.APIKey, "wrong")), pahopk.ErrorRefusedNotAuthorised)
	require.ErrorIs(t, connectErr(t, connectClient(t, b, "a:zz99zz:app1", mockserver.APIKey, mockserver.APIToken)), pahopk.ErrorRefusedIDRejected)
	require.ErrorIs(t, connectErr(t, connectClient(t, b, "d:ab12cd:t:d", mockserver.APIKey, mockserver.APIToken)), pahopk.ErrorRefusedIDRejected)
	require.NoError(t, connectErr(t, connectClient(t, b, "A:ab12cd:scalable:inst-1", mockserver.APIKey, mockserver.APIToken)))

	b.RefuseConnections(true)
	require.ErrorIs(t, connectErr(t, connectClient(t, b, "a:ab12cd:app2", mockserver.APIKey, mockserver.APIToken)), pahopk.ErrorRefusedServerUnavailable)
	b.RefuseConnections(false)
	require.NoError(t, connectErr(t, connectClient(t, b, "a:ab12cd:app2", mockserver.APIKey, mockserver.APIToken)))
	require.Equal(t, []string{"A:ab12cd:scalable:inst-1", "a:ab12cd:app2"}, b.ConnectedClients())
	require.Equal(t, 2, b.Connections())
}

func TestMQTTTransitionsChangeRESTAndPublish(t *testing.T) {
	s := newServer(t, mockserver.WithClock(func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }))
	s.AddClients(
		mockserver.ClientState{ClientID: "d:ab12cd:sensor:s-1", ConnectionStatus: mockserver.Disconnected},
		mockserver.ClientState{ClientID: "g:ab12cd:gw:g-1", ConnectionStatus: mockserver.Connected, LastConnect: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		mockserver.ClientState{ClientID: "a:ab12cd:app", ConnectionStatus: mockserver.Connected, LastConnect: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
	)
	b := newBroker(t, s)
	_, ch := subscribe(t, b, "a:ab12cd:watch", "iot-2/type/+/id/+/mon")

	// Retained: only the gateway has a time for its status.
	m := recv(t, ch)
	require.True(t, m.retained)
	require.Equal(t, "iot-2/type/gw/id/g-1/mon", m.topic)
	require.Equal(t, "Connect", m.payload["Action"])
	require.Equal(t, "2025-01-01T00:00:00.000Z", m.payload["Time"])

	tr, err := b.Connect("d:ab12cd:sensor:s-1")
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), tr.Time)
	m = recv(t, ch)
	require.False(t, m.retained)
	require.Equal(t, "iot-2/type/sensor/id/s-1/mon", m.topic)
	require.Equal(t, map[string]any{"Action": "Connect", "Time": "2025-01-02T03:04:05.000Z", "ClientAddr": m.payload["ClientAddr"],
		"ClientID": "d:ab12cd:sensor:s-1", "Port": 8883.0, "Secure": true, "Protocol": "mqtt4", "User": "use-token-auth"}, m.payload)
	st := restState(t, s, "d:ab12cd:sensor:s-1")
	require.Equal(t, "connected", st["connectionStatus"])
	require.Equal(t, "2025-01-02T03:04:05.000Z", st["lastConnectTime"])

	// Times strictly increase even with a frozen clock.
	tr, err = b.Disconnect("d:ab12cd:sensor:s-1", 160)
	require.NoError(t, err)
	require.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 1e6, time.UTC), tr.Time)
	m = recv(t, ch)
	require.Equal(t, "Disconnect", m.payload["Action"])
	require.Equal(t, 160.0, m.payload["CloseCode"])
	require.Equal(t, "2025-01-02T03:04:05.000Z", m.payload["ConnectTime"])
	require.Contains(t, m.payload, "ReadBytes")
	st = restState(t, s, "d:ab12cd:sensor:s-1")
	require.Equal(t, "disconnected", st["connectionStatus"])
	require.Equal(t, "network", st["disconnectedBy"])
	require.Equal(t, 160.0, st["disconnectReasonCode"])

	_, err = b.Disconnect("d:ab12cd:sensor:s-1", 91)
	require.ErrorContains(t, err, "not connected")
	_, err = b.Connect("d:ab12cd:sensor:nope")
	require.ErrorContains(t, err, "does not exist")
	_, err = b.Connect("a:ab12cd:app")
	require.ErrorContains(t, err, "not a device")

	// 288: the gateway's ID was reused; it stays connected.
	_, err = b.Disconnect("g:ab12cd:gw:g-1", CloseClientIDReused)
	require.NoError(t, err)
	m = recv(t, ch)
	require.Equal(t, 288.0, m.payload["CloseCode"])
	require.Equal(t, "connected", restState(t, s, "g:ab12cd:gw:g-1")["connectionStatus"])

	// FailedConnect is published but not retained.
	_, err = b.FailedConnect("d:ab12cd:sensor:s-1")
	require.NoError(t, err)
	m = recv(t, ch)
	require.Equal(t, "FailedConnect", m.payload["Action"])
	require.Equal(t, "disconnected", restState(t, s, "d:ab12cd:sensor:s-1")["connectionStatus"])

	// A new subscriber gets the latest Connect/Disconnect of each device.
	_, ch2 := subscribe(t, b, "a:ab12cd:watch2", "iot-2/type/+/id/+/mon")
	got := map[string]string{}
	for range 2 {
		m := recv(t, ch2)
		require.True(t, m.retained)
		got[m.topic] = m.payload["Action"].(string)
	}
	require.Equal(t, map[string]string{"iot-2/type/sensor/id/s-1/mon": "Disconnect", "iot-2/type/gw/id/g-1/mon": "Disconnect"}, got)
}

func TestMQTTFlapIsReproducibleAndAgreesWithREST(t *testing.T) {
	run := func() ([]Transition, []mockserver.ClientState) {
		s := newServer(t, mockserver.WithClock(func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }))
		s.SeedClients(120, 3)
		b := newBroker(t, s)
		trs, err := b.Flap(9, 400)
		require.NoError(t, err)
		return trs, s.Clients()
	}
	a, sa := run()
	b, sb := run()
	require.Equal(t, a, b)
	require.Equal(t, sa, sb)
	last := map[string]Transition{}
	actions := map[string]int{}
	for _, tr := range a {
		actions[tr.Action]++
		if tr.Action != ActionFailedConnect {
			last[tr.ClientID] = tr
		}
	}
	require.Positive(t, actions[ActionConnect])
	require.Positive(t, actions[ActionDisconnect])
	require.Positive(t, actions[ActionFailedConnect])
	for _, c := range sa {
		tr, ok := last[c.ClientID]
		if !ok {
			continue
		}
		want := mockserver.Connected
		if tr.Action == ActionDisconnect && tr.CloseCode != CloseClientIDReused {
			want = mockserver.Disconnected
		}
		require.Equal(t, want, c.ConnectionStatus, c.ClientID)
	}
}

func TestMQTTApplicationStatusAndDrops(t *testing.T) {
	b := newBroker(t, newServer(t))
	_, ch := subscribe(t, b, "a:ab12cd:watch", "iot-2/app/+/mon")
	m := recv(t, ch) // its own Connect, retained
	require.Equal(t, "iot-2/app/watch/mon", m.topic)
	require.True(t, m.retained)

	first := connectClient(t, b, "a:ab12cd:app.x_1", mockserver.APIKey, mockserver.APIToken)
	require.NoError(t, connectErr(t, first))
	m = recv(t, ch)
	require.Equal(t, "iot-2/app/app.x_1/mon", m.topic)
	require.Equal(t, "Connect", m.payload["Action"])
	require.Equal(t, mockserver.APIKey, m.payload["User"])

	second := connectClient(t, b, "a:ab12cd:app.x_1", mockserver.APIKey, mockserver.APIToken)
	require.NoError(t, connectErr(t, second))
	seen := map[string]bool{}
	for !seen["Disconnect"] || !seen["Connect"] {
		m = recv(t, ch)
		require.Equal(t, "iot-2/app/app.x_1/mon", m.topic)
		seen[m.payload["Action"].(string)] = true
		if m.payload["Action"] == "Disconnect" {
			require.Equal(t, 288.0, m.payload["CloseCode"])
			require.False(t, m.retained)
		}
	}

	// Dropping every connection (the watcher's too) publishes Disconnects.
	require.Equal(t, 2, b.DropClients())
	_, ch2 := subscribe(t, b, "a:ab12cd:watch2", "iot-2/app/+/mon")
	m = recv(t, ch2) // only the new watcher is still connected
	require.Equal(t, "iot-2/app/watch2/mon", m.topic)
	select {
	case m := <-ch2:
		t.Fatalf("unexpected retained state %+v", m)
	default:
	}
}

func TestMQTTPublishRawAndClientPublishesDropped(t *testing.T) {
	b := newBroker(t, newServer(t))
	c, ch := subscribe(t, b, "a:ab12cd:watch", "iot-2/type/+/id/+/mon")
	tok := c.Publish("iot-2/type/t/id/d/mon", 0, true, `{"Action":"Connect"}`)
	require.True(t, tok.WaitTimeout(mqttWait))
	require.NoError(t, b.PublishRaw("iot-2/type/t/id/d/mon", []byte("not json"), false))
	m := recv(t, ch)
	require.Nil(t, m.payload) // the raw payload, not the client's
	require.False(t, m.retained)
}

func TestMQTTCloseWithServer(t *testing.T) {
	s := mockserver.New()
	b, err := Start(s)
	require.NoError(t, err)
	c := connectClient(t, b, "a:ab12cd:app", mockserver.APIKey, mockserver.APIToken)
	require.NoError(t, connectErr(t, c))
	s.Close()
	select {
	case <-b.closed:
	case <-time.After(mqttWait):
		t.Fatal("closing the server did not close the broker")
	}
	b.Close() // twice is fine
}
