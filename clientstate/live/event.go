package live

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// Action is what happened to a client. Values other than the constants are
// kept as they come.
type Action string

// The actions the platform documents.
const (
	ActionConnect       Action = "Connect"       // retained for devices: a new subscriber learns who is online
	ActionFailedConnect Action = "FailedConnect" // a refused attempt (bad credentials, say); never retained
	ActionDisconnect    Action = "Disconnect"    // CloseCode says why; see Event.ClientIDReused
)

// Known reports whether a is one of the documented actions.
func (a Action) Known() bool {
	return a == ActionConnect || a == ActionFailedConnect || a == ActionDisconnect
}

// Close codes programs branch on; clientstate.CloseCodes lists every code
// with its text, its cause and whether it leaves the client offline.
const (
	CloseKeepaliveTimeout = 160 // no keepalive within the expected time
	CloseClientIDReused   = 288 // a new connection reused the client ID: not offline
)

// CloseCodeText describes a close code in a few words, such as "timed out
// (keepalive)" for 160, or "close code N" for an undocumented one: the
// text of clientstate.LookupCloseCode.
func CloseCodeText(code int) string {
	if c, ok := clientstate.LookupCloseCode(code); ok {
		return c.Text
	}
	return "close code " + strconv.Itoa(code)
}

// Event is one status message of the monitor topics. Fields absent from the
// payload (the traffic counts, ConnectTime and CloseCode appear only on a
// Disconnect) keep their zero value; keys the SDK does not model go to
// Extra.
type Event struct {
	Action Action
	Time   time.Time // when it happened, in UTC
	// ClientID is the client's MQTT client ID in its wire form, such as
	// "d:ab12cd:sensor:s-1". It is a string, as clientstate.State,
	// TrackedState and FlappingClient hold it, so an event and a state
	// compare with ==, and an ID is shown as the platform sent it;
	// ParseClientID gives its parts.
	ClientID    string
	ClientAddr  string    // the client's IP address
	Port        int       // the port the client connected to (8883, 443, 1883)
	Secure      bool      // the connection used TLS
	Protocol    string    // such as "mqtt4" or "mqtt4-ws"
	User        string    // "use-token-auth" for devices, the API key for applications
	Certname    string    // the client certificate's name, if it used one
	ConnectTime time.Time // when the connection that ended began
	// CloseCode is why a Disconnect (or refused connection) happened; zero
	// is both "normal" and "absent". Reason says it in words, for people.
	CloseCode int
	Reason    string
	// The traffic of the connection that ended (Disconnect).
	ReadBytes, ReadMsg, WriteBytes, WriteMsg int64
	Durable                                  bool // a durable session, when the platform says
	// Retained reports that the broker delivered the message as the
	// topic's retained state (possibly old) when the subscription began.
	Retained bool
	Topic    string // the MQTT topic it arrived on
	// Extra holds the keys the SDK does not model as raw JSON (nil when
	// none), in encoding/json's RawMessage as clientstate.State.Extra.
	Extra map[string]stdjson.RawMessage
}

// ClientIDReused reports a Disconnect whose close code leaves the client
// online (clientstate.CloseCode.Offline): 288, a new connection took over
// the client ID, so the client is NOT offline. Two processes sharing one
// client ID keep kicking each other off this way.
func (e Event) ClientIDReused() bool {
	c, _ := clientstate.LookupCloseCode(e.CloseCode)
	return e.Action == ActionDisconnect && !c.Offline
}

// String summarises the event in one line, such as
// "2024-06-01T12:00:00.000Z d:ab12cd:sensor:s-1 Disconnect (160 timed out (keepalive))".
func (e Event) String() string {
	s := wire.FormatIBM(e.Time) + " " + e.ClientID + " " + string(e.Action)
	if e.Action == ActionDisconnect {
		s += fmt.Sprintf(" (%d %s)", e.CloseCode, CloseCodeText(e.CloseCode))
	}
	if e.Retained {
		s += " [retained]"
	}
	return s
}

// ParseClientID parses the event's client ID into its kind, org, type and
// device or app (see clientstate.ParseClientID). It never fails for an
// event from a Monitor or ParseStatusMessage, which refuse a client ID
// that does not parse or belong to its topic.
func (e Event) ParseClientID() (clientstate.ClientID, error) {
	return clientstate.ParseClientID(e.ClientID)
}

// Cause says why the connection ended: for a Disconnect, or a FailedConnect
// naming a close code, clientstate.CauseOfCloseCode(CloseCode) (288 is
// CauseDuplicateClientID: not offline); CauseUnknown for a FailedConnect
// without a code; CauseNone for anything else.
func (e Event) Cause() clientstate.Cause {
	switch {
	case e.Action == ActionDisconnect, e.Action == ActionFailedConnect && e.CloseCode != 0:
		return clientstate.CauseOfCloseCode(e.CloseCode)
	case e.Action == ActionFailedConnect:
		return clientstate.CauseUnknown
	}
	return clientstate.CauseNone
}

// wireMessage is a status message as the platform writes it. Action and
// ClientID are pointers to tell absent or null from "".
type wireMessage struct {
	Action      *string                       `json:"Action"`
	Time        wire.IBMTime                  `json:"Time"`
	ClientID    *string                       `json:"ClientID"`
	ClientAddr  string                        `json:"ClientAddr"`
	Port        int64                         `json:"Port"`
	Secure      bool                          `json:"Secure"`
	Protocol    string                        `json:"Protocol"`
	User        string                        `json:"User"`
	Certname    string                        `json:"Certname"`
	ConnectTime wire.IBMTime                  `json:"ConnectTime"`
	CloseCode   int64                         `json:"CloseCode"`
	Reason      string                        `json:"Reason"`
	ReadBytes   int64                         `json:"ReadBytes"`
	ReadMsg     int64                         `json:"ReadMsg"`
	WriteBytes  int64                         `json:"WriteBytes"`
	WriteMsg    int64                         `json:"WriteMsg"`
	Durable     bool                          `json:"Durable"`
	Extra       map[string]stdjson.RawMessage `json:",embed"`
}

// ParseStatusMessage decodes one message of the monitor topics, for
// programs that run their own MQTT connection. topic must be
// iot-2/type/{typeId}/id/{deviceId}/mon or iot-2/app/{appId}/mon, and
// payload a strict JSON object with Action, an RFC 3339 Time and a ClientID
// of the topic's client; null counts as absent. Anything else is a
// *MessageError naming the field. Retained is left false: it belongs to the
// delivery.
func ParseStatusMessage(topic string, payload []byte) (Event, error) {
	fail := func(err error) (Event, error) {
		return Event{}, &MessageError{Topic: topic, Payload: bytes.Clone(payload[:min(len(payload), MaxErrorPayload)]), Size: len(payload), Err: err}
	}
	var w wireMessage
	if err := json.Unmarshal(payload, &w); err != nil {
		return fail(fmt.Errorf("the payload is not a valid status message: %w", err))
	}
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("field %q ", key)+fmt.Sprintf(format, args...))
	}
	for key, v := range map[string]*string{"Action": w.Action, "ClientID": w.ClientID} {
		switch {
		case v == nil:
			bad(key, "is missing")
		case *v == "":
			bad(key, "is empty")
		}
	}
	if w.Time.Time().IsZero() {
		bad("Time", "is missing")
	}
	if w.Port < 0 || w.Port > 65535 {
		bad("Port", "is %d, not a port number", w.Port)
	}
	if w.CloseCode < 0 || w.CloseCode > 1<<31-1 {
		bad("CloseCode", "is %d, out of range", w.CloseCode)
	}
	ev := Event{
		Time: w.Time.Time(), ClientAddr: w.ClientAddr, Port: int(w.Port), Secure: w.Secure,
		Protocol: w.Protocol, User: w.User, Certname: w.Certname, ConnectTime: w.ConnectTime.Time(),
		CloseCode: int(w.CloseCode), Reason: w.Reason,
		ReadBytes: w.ReadBytes, ReadMsg: w.ReadMsg, WriteBytes: w.WriteBytes, WriteMsg: w.WriteMsg,
		Durable: w.Durable, Topic: topic,
	}
	if w.Action != nil {
		ev.Action = Action(*w.Action)
	}
	if w.ClientID != nil && *w.ClientID != "" {
		id, err := clientstate.ParseClientID(*w.ClientID)
		var ve *iotclient.ValidationError
		switch {
		case errors.As(err, &ve):
			bad("ClientID", "%q: %s", *w.ClientID, ve.Reason)
		case topic != monitorTopic(id):
			bad("ClientID", "%q does not belong to the topic", *w.ClientID)
		default:
			ev.ClientID = *w.ClientID
		}
	}
	for k, v := range w.Extra {
		if jsontext.Value(v).Kind() == 'n' {
			delete(w.Extra, k) // null counts as absent, for unknown keys too
		}
	}
	if len(w.Extra) > 0 {
		ev.Extra = w.Extra
	}
	if len(problems) > 0 {
		slices.Sort(problems) // one order whatever the payload's
		return fail(errors.New(strings.Join(problems, "; ")))
	}
	return ev, nil
}

// monitorTopic is the status topic of the client id.
func monitorTopic(id clientstate.ClientID) string {
	if id.Kind == clientstate.KindDevice || id.Kind == clientstate.KindGateway {
		return "iot-2/type/" + id.TypeID + "/id/" + id.DeviceID + "/mon"
	}
	return "iot-2/app/" + id.AppID + "/mon"
}
