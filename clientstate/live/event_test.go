package live_test

import (
	stdjson "encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// The two application status samples of IBM's announcement (2017), and a
// device Disconnect with every field.
const (
	ibmAppConnect = `{ "Action": "Connect", "Time": "2017-01-20T14:27:13.113Z", "ClientAddr": "198.11.999.999",
		"ClientID": "a:myorgid:myserver", "Port": 8883, "Secure": true, "Protocol": "mqtt4",
		"User": "a-maqdpu-jkdhgkjha", "Durable": false }`
	ibmAppDisconnect = `{ "Action": "Disconnect", "Time": "2017-01-20T14:27:13.113Z", "ClientAddr": "108.168.999.999",
		"ClientID": "a:myorgid:myserver", "Port": 8883, "Secure": true, "Protocol": "mqtt4-ws",
		"User": "a-maqdpu-kjasdkf", "ConnectTime": "2017-01-20T14:27:00.096Z", "ReadBytes": 1331289,
		"ReadMsg": 1, "WriteBytes": 155084, "WriteMsg": 2 }`
	deviceDisconnect = `{"Action":"Disconnect","Time":"2024-06-01T12:00:01.250Z","ClientAddr":"198.51.100.7",
		"ClientID":"d:ab12cd:pump-v2:s-00042","Port":8883,"Secure":true,"Protocol":"mqtt4","User":"use-token-auth",
		"Certname":"pump","ConnectTime":"2024-06-01T11:00:00Z","CloseCode":288,"Reason":"The client ID was reused.",
		"ReadBytes":10,"ReadMsg":1,"WriteBytes":20,"WriteMsg":2,"Durable":true,"Shard":"eu-7"}`
)

func TestParseStatusMessage(t *testing.T) {
	ev, err := live.ParseStatusMessage("iot-2/app/myserver/mon", []byte(ibmAppConnect))
	require.NoError(t, err)
	require.Equal(t, live.Event{
		Action:     live.ActionConnect,
		Time:       time.Date(2017, 1, 20, 14, 27, 13, 113e6, time.UTC),
		ClientID:   "a:myorgid:myserver",
		ClientAddr: "198.11.999.999", Port: 8883, Secure: true, Protocol: "mqtt4", User: "a-maqdpu-jkdhgkjha",
		Topic: "iot-2/app/myserver/mon",
	}, ev)
	require.False(t, ev.ClientIDReused())

	ev, err = live.ParseStatusMessage("iot-2/app/myserver/mon", []byte(ibmAppDisconnect))
	require.NoError(t, err)
	require.Equal(t, live.ActionDisconnect, ev.Action)
	require.Equal(t, time.Date(2017, 1, 20, 14, 27, 0, 96e6, time.UTC), ev.ConnectTime)
	require.Equal(t, [4]int64{1331289, 1, 155084, 2}, [4]int64{ev.ReadBytes, ev.ReadMsg, ev.WriteBytes, ev.WriteMsg})
	require.Equal(t, "mqtt4-ws", ev.Protocol)
	require.Zero(t, ev.CloseCode)

	ev, err = live.ParseStatusMessage("iot-2/type/pump-v2/id/s-00042/mon", []byte(deviceDisconnect))
	require.NoError(t, err)
	require.True(t, ev.ClientIDReused())
	require.Equal(t, live.CloseClientIDReused, ev.CloseCode)
	require.Equal(t, "pump", ev.Certname)
	require.True(t, ev.Durable)
	require.Equal(t, map[string]stdjson.RawMessage{"Shard": stdjson.RawMessage(`"eu-7"`)}, ev.Extra)
	require.Equal(t, "2024-06-01T12:00:01.250Z d:ab12cd:pump-v2:s-00042 Disconnect (288 client ID reused)", ev.String())
}

func TestParseStatusMessageTopics(t *testing.T) {
	msg := func(clientID string) []byte {
		return []byte(`{"Action":"Connect","Time":"2024-06-01T12:00:00Z","ClientID":"` + clientID + `"}`)
	}
	for topic, clientID := range map[string]string{
		"iot-2/type/x/id/1/mon": "d:ab12cd:x:1",
		"iot-2/type/building-automation-controller.gen42/id/node-0000000000000000000000000000042/mon": "d:ab12cd:building-automation-controller.gen42:node-0000000000000000000000000000042",
		"iot-2/type/edge-gw/id/gw-00001/mon": "g:ab12cd:edge-gw:gw-00001",
		"iot-2/app/svc.backend_7/mon":        "a:ab12cd:svc.backend_7",
		"iot-2/app/app-1/mon":                "a:ab12cd:app-1",
		"iot-2/app/scalable-1/mon":           "A:ab12cd:scalable-1:inst-3",
	} {
		ev, err := live.ParseStatusMessage(topic, msg(clientID))
		require.NoError(t, err, topic)
		require.Equal(t, clientID, ev.ClientID)
		require.Equal(t, topic, ev.Topic)
	}
	for _, topic := range []string{
		"", "iot-2", "iot-2/type/x/id/1", "iot-2/type/x/id/1/mon/extra", "/iot-2/type/x/id/1/mon",
		"iot-2/type/+/id/1/mon", "iot-2/type/x/id/#/mon", "iot-2/type//id/1/mon", "iot-2/app//mon",
		"iot-2/app/a/b/mon", "iot-2/type/x/id/1/evt", "iot-2/type/x/id/1/mon/", "iot-3/app/a/mon",
		"iot-2/app/" + strings.Repeat("a", 37) + "/mon", "iot-2/type/x y/id/1/mon",
	} {
		_, err := live.ParseStatusMessage(topic, msg("d:ab12cd:x:1"))
		var me *live.MessageError
		require.ErrorAs(t, err, &me, "topic %q", topic)
		require.Equal(t, topic, me.Topic)
		require.Contains(t, err.Error(), `"`+topic+`"`)
	}
}

func TestParseStatusMessageErrorsNameTheField(t *testing.T) {
	const topic = "iot-2/type/x/id/1/mon"
	for payload, want := range map[string]string{
		``:           "not a valid status message",
		`[]`:         "JSON array into Go",
		`"Connect"`:  "JSON string into Go",
		`{"Action":`: "unexpected EOF",
		`{}`:         `field "Action" is missing; field "ClientID" is missing; field "Time" is missing`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":null}`:                                   `field "Time" is missing`,
		`{"Action":"","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z"}`:                        `field "Action" is empty`,
		`{"Action":1,"ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z"}`:                         `JSON number into Go string within "/Action"`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"yesterday"}`:                            `within "/Time": not an RFC 3339 time`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":1717243200}`:                             `within "/Time": not an RFC 3339 time string`,
		`{"Action":"Connect","ClientID":"x","Time":"2024-06-01T12:00:00Z"}`:                            `field "ClientID" "x": must start with d:, g:, a: or A:`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:2","Time":"2024-06-01T12:00:00Z"}`:                 `field "ClientID" "d:ab12cd:x:2" does not belong to the topic`,
		`{"Action":"Connect","ClientID":"a:ab12cd:x","Time":"2024-06-01T12:00:00Z"}`:                   `does not belong to the topic`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","Port":1.5}`:      `JSON number 1.5 into Go int64 within "/Port"`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","Port":70000}`:    `field "Port" is 70000, not a port number`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","Secure":"yes"}`:  `JSON string into Go bool within "/Secure"`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","CloseCode":"1"}`: `JSON string into Go int64 within "/CloseCode"`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","ReadBytes":[]}`:  `JSON array into Go int64 within "/ReadBytes"`,
		`{"Action":"Connect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z","User":{}}`:       `JSON object into Go string within "/User"`,
		// Strict JSON: a repeated name or invalid UTF-8 is refused, not
		// resolved one way or the other.
		`{"Action":"Connect","Action":"Disconnect","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T12:00:00Z"}`:         `duplicate object member name "Action"`,
		"{\"Action\":\"Connect\",\"ClientID\":\"d:ab12cd:x:1\",\"Time\":\"2024-06-01T12:00:00Z\",\"User\":\"\xff\"}": "invalid UTF-8",
		"{\"Action\":\"Connect\",\"ClientID\":\"d:ab12cd:x:1\",\f\"Time\":\"2024-06-01T12:00:00Z\"}":                 "invalid character '\\f'",
	} {
		_, err := live.ParseStatusMessage(topic, []byte(payload))
		require.Error(t, err, payload)
		require.Contains(t, err.Error(), want, payload)
		require.ErrorIs(t, err, iotclient.ErrMalformedResponse)
		var me *live.MessageError
		require.True(t, errors.As(err, &me))
		require.Equal(t, []byte(payload), me.Payload)
	}
}

func TestParseStatusMessageKeepsUnknownActionsAndIgnoresNulls(t *testing.T) {
	ev, err := live.ParseStatusMessage("iot-2/type/x/id/1/mon",
		[]byte(`{"Action":"Rebooted","ClientID":"d:ab12cd:x:1","Time":"2024-06-01T14:00:00+02:00","Port":null,"Reason":null,"ConnectTime":""}`))
	require.NoError(t, err)
	require.Equal(t, live.Action("Rebooted"), ev.Action)
	require.False(t, ev.Action.Known())
	require.Equal(t, time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), ev.Time)
	require.True(t, ev.ConnectTime.IsZero())
	require.Nil(t, ev.Extra)
}

func TestCloseCodeText(t *testing.T) {
	require.Equal(t, "client ID reused", live.CloseCodeText(288))
	require.Equal(t, "timed out (keepalive)", live.CloseCodeText(live.CloseKeepaliveTimeout))
	require.Equal(t, "close code 999", live.CloseCodeText(999))
	for _, a := range []live.Action{live.ActionConnect, live.ActionFailedConnect, live.ActionDisconnect} {
		require.True(t, a.Known())
	}
}

// FuzzParseStatusMessage: never panics; what it accepts is consistent.
func FuzzParseStatusMessage(f *testing.F) {
	f.Add("iot-2/app/myserver/mon", ibmAppConnect)
	f.Add("iot-2/app/myserver/mon", ibmAppDisconnect)
	f.Add("iot-2/type/pump-v2/id/s-00042/mon", deviceDisconnect)
	f.Add("iot-2/type/x/id/1/mon", `{"Action":"Connect","ClientID":"g:o:x:1","Time":"2024-06-01T12:00:00Z"}`)
	f.Fuzz(func(t *testing.T, topic, payload string) {
		ev, err := live.ParseStatusMessage(topic, []byte(payload))
		if err != nil {
			var me *live.MessageError
			if !errors.As(err, &me) || me.Topic != topic {
				t.Fatalf("error %v is not a MessageError for the topic", err)
			}
			return
		}
		if ev.Topic != topic || ev.Action == "" || ev.Time.IsZero() {
			t.Fatalf("accepted an incomplete event %+v", ev)
		}
		id, err := ev.ParseClientID()
		if err != nil {
			t.Fatalf("accepted client ID %q: %v", ev.ClientID, err)
		}
		if !strings.Contains(topic, "/"+id.DeviceID+id.AppID+"/mon") {
			t.Fatalf("client %s does not belong to topic %s", ev.ClientID, topic)
		}
	})
}

// BenchmarkParseStatusMessage decodes a device Disconnect with every field
// (about 400 bytes, the largest message the platform sends).
func BenchmarkParseStatusMessage(b *testing.B) {
	payload := []byte(deviceDisconnect)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := live.ParseStatusMessage("iot-2/type/pump-v2/id/s-00042/mon", payload); err != nil {
			b.Fatal(err)
		}
	}
}

// CloseCodeText and ClientIDReused read clientstate's close-code table.
func TestCloseCodesFromTable(t *testing.T) {
	for _, c := range clientstate.CloseCodes() {
		require.Equal(t, c.Text, live.CloseCodeText(c.Code))
		ev := live.Event{Action: live.ActionDisconnect, CloseCode: c.Code}
		require.Equal(t, !c.Offline, ev.ClientIDReused(), "code %d", c.Code)
		ev.Action = live.ActionConnect
		require.False(t, ev.ClientIDReused())
	}
}
