package clientstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// Action is what happened to a client, as a status message of the monitor
// topics reports it. Values other than the constants are kept as they
// come.
type Action string

// The actions the platform documents.
const (
	// ActionConnect: the client connected. Retained for devices, so a new
	// subscriber learns which devices are online.
	ActionConnect Action = "Connect"
	// ActionFailedConnect: a connection attempt was refused (bad
	// credentials, say). Never retained.
	ActionFailedConnect Action = "FailedConnect"
	// ActionDisconnect: the client's connection ended; CloseCode says why.
	// A CloseCode of CloseClientIDReused does not mean the client is
	// offline (see StatusEvent.ClientIDReused).
	ActionDisconnect Action = "Disconnect"
)

// Known reports whether a is one of the documented actions.
func (a Action) Known() bool {
	return a == ActionConnect || a == ActionFailedConnect || a == ActionDisconnect
}

// Close codes of the platform that programs commonly branch on; see
// CloseCodeText for the full documented list. Use the code, never the
// Reason text, for logic.
const (
	CloseNormal           = 0   // the connection completed normally
	CloseByClient         = 91  // closed by the client
	CloseByServer         = 92  // closed by the server
	CloseServerShutdown   = 93  // the server shut down
	CloseByAdministrator  = 94  // closed by an administrator
	CloseKeepaliveTimeout = 160 // no keepalive within the expected time
	CloseNotAuthorized    = 180 // the client is not authorized
	CloseClientIDReused   = 288 // a new connection reused the client ID: not offline
)

var closeCodeText = map[int]string{
	0:   "normal",
	91:  "closed by client",
	92:  "closed by server",
	93:  "server shutdown",
	94:  "closed by administrator",
	104: "capacity reached",
	105: "invalid data",
	154: "too many producers or consumers",
	160: "timed out (keepalive)",
	163: "closed during TLS handshake",
	164: "no data received",
	165: "initial packet too large",
	166: "client ID not valid",
	167: "server not available",
	169: "certificate missing",
	170: "certificate not valid",
	173: "too many connections for the organization",
	175: "authorization header changed",
	176: "authorization delayed or too many attempts",
	180: "not authorized",
	271: "bad message length",
	276: "topic not valid",
	287: "message too large",
	288: "client ID reused",
}

// CloseCodeText describes a close code of the platform in a few words,
// such as "timed out (keepalive)" for 160, or returns "close code N" for a
// code the platform does not document.
func CloseCodeText(code int) string {
	if t, ok := closeCodeText[code]; ok {
		return t
	}
	return "close code " + strconv.Itoa(code)
}

// StatusEvent is one message of the monitor topics: a device's (or an
// application's) connection, failed connection attempt or disconnection.
//
// The payload fields are the platform's PascalCase keys: Action, Time,
// ClientAddr, ClientID, Port, Secure, Protocol, User, Certname,
// ConnectTime, CloseCode, Reason, ReadBytes, ReadMsg, WriteBytes, WriteMsg
// and Durable. Which appear depends on the action (the byte and message
// counts, ConnectTime and usually CloseCode only on Disconnect); an absent
// field leaves its zero value. Keys the SDK does not model are kept in
// Extra.
type StatusEvent struct {
	// Action is what happened.
	Action Action
	// Time is when it happened, in UTC.
	Time time.Time
	// ClientID is the client the message is about.
	ClientID ClientID
	// ClientAddr is the client's IP address.
	ClientAddr string
	// Port is the port the client connected to (8883, 443, 1883).
	Port int
	// Secure reports whether the connection used TLS.
	Secure bool
	// Protocol is the connection's protocol, such as "mqtt4" or "mqtt4-ws".
	Protocol string
	// User is the user name the client connected with: "use-token-auth"
	// for devices, the API key for applications.
	User string
	// Certname is the client certificate's name, for clients that connect
	// with one.
	Certname string
	// ConnectTime is when the connection that ended began (Disconnect).
	ConnectTime time.Time
	// CloseCode is the platform's reason for a Disconnect (or a refused
	// connection); see the Close* constants and CloseCodeText. Zero is
	// both "normal" and "absent".
	CloseCode int
	// Reason describes CloseCode in words. It is for people: programs
	// should branch on CloseCode.
	Reason string
	// ReadBytes, ReadMsg, WriteBytes and WriteMsg count the traffic of the
	// connection that ended (Disconnect).
	ReadBytes, ReadMsg, WriteBytes, WriteMsg int64
	// Durable reports whether the client had a durable session, when the
	// platform says.
	Durable bool
	// Retained reports whether the broker delivered the message as the
	// topic's retained state when the subscription began, rather than as a
	// live change. Retained state is the last message published on the
	// topic, possibly long ago.
	Retained bool
	// Topic is the MQTT topic the message arrived on.
	Topic string
	// Extra holds payload keys the SDK does not model, as raw JSON; nil
	// when there were none.
	Extra map[string]json.RawMessage
}

// ClientIDReused reports whether the event is a Disconnect with close code
// 288: a new connection used the same client ID and the platform closed
// the old one. The client is NOT offline: a connection with its ID exists.
// Two processes sharing one client ID keep kicking each other off this way.
func (e StatusEvent) ClientIDReused() bool {
	return e.Action == ActionDisconnect && e.CloseCode == CloseClientIDReused
}

// String summarises the event in one line, such as
// "2024-06-01T12:00:00.000Z d:ab12cd:sensor:s-1 Disconnect (160 timed out (keepalive))".
func (e StatusEvent) String() string {
	var b strings.Builder
	b.WriteString(wire.FormatIBM(e.Time))
	b.WriteByte(' ')
	b.WriteString(e.ClientID.String())
	b.WriteByte(' ')
	b.WriteString(string(e.Action))
	if e.Action == ActionDisconnect {
		fmt.Fprintf(&b, " (%d %s)", e.CloseCode, CloseCodeText(e.CloseCode))
	}
	if e.Retained {
		b.WriteString(" [retained]")
	}
	return b.String()
}

// MessageError reports a status message that could not be decoded: a
// topic that is not a monitor topic, a payload that is not a JSON object,
// or a field of the wrong type. The monitor reports it and goes on with the
// next message. It matches iotclient.ErrMalformedResponse with errors.Is.
type MessageError struct {
	Topic   string // the topic the message arrived on
	Payload []byte // the payload as received
	Err     error  // what was wrong with it
}

// Error names the topic and what was wrong.
func (e *MessageError) Error() string {
	return fmt.Sprintf("clientstate: status message on %q: %v", e.Topic, e.Err)
}

// Unwrap returns the underlying problem.
func (e *MessageError) Unwrap() error { return e.Err }

// Is reports whether target is iotclient.ErrMalformedResponse.
func (e *MessageError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

// Monitor topic layout.
const (
	topicRoot      = "iot-2"
	topicMonSuffix = "mon"
	topicWildcard  = "+"
)

// statusTopic is a parsed monitor topic.
type statusTopic struct {
	app              bool
	typeID, deviceID string // device topics
	appID            string // application topics
}

// parseStatusTopic parses iot-2/type/{typeId}/id/{deviceId}/mon and
// iot-2/app/{appId}/mon. Every ID part must be 1 to 36 of
// [A-Za-z0-9-_.]; anything else (extra or missing levels, empty levels,
// wildcards) is an error.
func parseStatusTopic(topic string) (statusTopic, error) {
	parts := strings.Split(topic, "/")
	switch {
	case len(parts) == 6 && parts[0] == topicRoot && parts[1] == "type" && parts[3] == "id" && parts[5] == topicMonSuffix:
		if r := checkPartReason(parts[2]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's typeId %q %s", parts[2], r)
		}
		if r := checkPartReason(parts[4]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's deviceId %q %s", parts[4], r)
		}
		return statusTopic{typeID: parts[2], deviceID: parts[4]}, nil
	case len(parts) == 4 && parts[0] == topicRoot && parts[1] == "app" && parts[3] == topicMonSuffix:
		if r := checkPartReason(parts[2]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's appId %q %s", parts[2], r)
		}
		return statusTopic{app: true, appID: parts[2]}, nil
	}
	return statusTopic{}, errors.New("not a monitor topic (iot-2/type/{typeId}/id/{deviceId}/mon or iot-2/app/{appId}/mon)")
}

// matches reports whether a client ID can be the subject of a message on
// the topic: a device or gateway with the topic's type and ID on a device
// topic, an application with the topic's app ID on an application topic.
func (t statusTopic) matches(id ClientID) bool {
	switch id.Kind {
	case KindDevice, KindGateway:
		return !t.app && id.TypeID == t.typeID && id.DeviceID == t.deviceID
	case KindApp, KindScalableApp:
		return t.app && id.AppID == t.appID
	}
	return false
}

// The payload keys of a status message.
const (
	keyAction      = "Action"
	keyTime        = "Time"
	keyClientAddr  = "ClientAddr"
	keyClientID    = "ClientID"
	keyPort        = "Port"
	keySecure      = "Secure"
	keyProtocol    = "Protocol"
	keyUser        = "User"
	keyCertname    = "Certname"
	keyConnectTime = "ConnectTime"
	keyCloseCode   = "CloseCode"
	keyReason      = "Reason"
	keyReadBytes   = "ReadBytes"
	keyReadMsg     = "ReadMsg"
	keyWriteBytes  = "WriteBytes"
	keyWriteMsg    = "WriteMsg"
	keyDurable     = "Durable"
)

// ParseStatusMessage decodes one message of the monitor topics, for
// programs that run their own MQTT connection; Monitor uses it for every
// message it receives. topic must be a device status topic
// iot-2/type/{typeId}/id/{deviceId}/mon or an application status topic
// iot-2/app/{appId}/mon, and payload a JSON object with at least Action,
// Time and a ClientID that belongs to the topic (a device or gateway with
// the topic's type and ID, or an application with its app ID). Times must
// be RFC 3339; numbers integers; Secure and Durable booleans. A null value
// counts as absent. Anything else is a *MessageError naming the topic and
// the field. Retained is left false: it is a property of the delivery, not
// of the message.
func ParseStatusMessage(topic string, payload []byte) (StatusEvent, error) {
	ev, err := parseStatusMessage(topic, payload)
	if err != nil {
		return StatusEvent{}, &MessageError{Topic: topic, Payload: bytes.Clone(payload), Err: err}
	}
	return ev, nil
}

func parseStatusMessage(topic string, payload []byte) (StatusEvent, error) {
	st, err := parseStatusTopic(topic)
	if err != nil {
		return StatusEvent{}, err
	}
	trimmed := bytes.TrimSpace(payload)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return StatusEvent{}, fmt.Errorf("the payload is not a JSON object: %s", snippet(trimmed))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		return StatusEvent{}, fmt.Errorf("the payload is not valid JSON: %v", err)
	}
	ev := StatusEvent{Topic: topic}
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("field %q ", key)+fmt.Sprintf(format, args...))
	}
	str := func(key string, raw json.RawMessage, dst *string) {
		if v, ok := jsonString(bytes.TrimSpace(raw)); ok {
			*dst = v
			return
		}
		bad(key, "is %s, not a string", snippet(raw))
	}
	integer := func(key string, raw json.RawMessage, dst *int64) {
		v, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
		if err != nil {
			bad(key, "is %s, not an integer", snippet(raw))
			return
		}
		*dst = v
	}
	boolean := func(key string, raw json.RawMessage, dst *bool) {
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			*dst = true
		case "false":
			*dst = false
		default:
			bad(key, "is %s, not a boolean", snippet(raw))
		}
	}
	timestamp := func(key string, raw json.RawMessage, dst *time.Time) {
		s, ok := jsonString(bytes.TrimSpace(raw))
		if !ok {
			bad(key, "is %s, not an RFC 3339 time string", snippet(raw))
			return
		}
		if s == "" {
			return // "" is absent (Time's emptiness is reported below)
		}
		t, err := wire.ParseIBM(s)
		if err != nil {
			bad(key, "is %q, not an RFC 3339 time", s)
			return
		}
		*dst = t
	}
	var action, clientID string
	var port, closeCode int64
	for key, raw := range fields {
		if monIsNull(raw) {
			continue
		}
		switch key {
		case keyAction:
			str(key, raw, &action)
		case keyTime:
			timestamp(key, raw, &ev.Time)
		case keyClientID:
			str(key, raw, &clientID)
		case keyClientAddr:
			str(key, raw, &ev.ClientAddr)
		case keyPort:
			integer(key, raw, &port)
		case keySecure:
			boolean(key, raw, &ev.Secure)
		case keyProtocol:
			str(key, raw, &ev.Protocol)
		case keyUser:
			str(key, raw, &ev.User)
		case keyCertname:
			str(key, raw, &ev.Certname)
		case keyConnectTime:
			timestamp(key, raw, &ev.ConnectTime)
		case keyCloseCode:
			integer(key, raw, &closeCode)
		case keyReason:
			str(key, raw, &ev.Reason)
		case keyReadBytes:
			integer(key, raw, &ev.ReadBytes)
		case keyReadMsg:
			integer(key, raw, &ev.ReadMsg)
		case keyWriteBytes:
			integer(key, raw, &ev.WriteBytes)
		case keyWriteMsg:
			integer(key, raw, &ev.WriteMsg)
		case keyDurable:
			boolean(key, raw, &ev.Durable)
		default:
			if ev.Extra == nil {
				ev.Extra = make(map[string]json.RawMessage)
			}
			ev.Extra[key] = raw
		}
	}
	if port < 0 || port > 65535 {
		bad(keyPort, "is %d, not a port number", port)
	}
	if closeCode < 0 || closeCode > 1<<31-1 {
		bad(keyCloseCode, "is %d, out of range", closeCode)
	}
	ev.Port, ev.CloseCode = int(port), int(closeCode)
	ev.Action = Action(action)
	for _, key := range []string{keyAction, keyTime, keyClientID} {
		if !hasValue(fields, key) {
			problems = append(problems, fmt.Sprintf("field %q is missing", key))
		} else if v, ok := jsonString(bytes.TrimSpace(fields[key])); ok && v == "" {
			bad(key, "is empty")
		}
	}
	if clientID != "" {
		id, err := ParseClientID(clientID)
		switch {
		case err != nil:
			var ve *iotclient.ValidationError
			if errors.As(err, &ve) {
				bad(keyClientID, "%q: %s", clientID, ve.Reason)
			} else {
				bad(keyClientID, "%q: %v", clientID, err)
			}
		case !st.matches(id):
			bad(keyClientID, "%q does not belong to the topic", clientID)
		default:
			ev.ClientID = id
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems) // map order must not change the message
		return StatusEvent{}, errors.New(strings.Join(problems, "; "))
	}
	return ev, nil
}

// hasValue reports whether key is present with a non-null value.
func hasValue(fields map[string]json.RawMessage, key string) bool {
	raw, ok := fields[key]
	return ok && !monIsNull(raw)
}

// monIsNull reports whether raw is the JSON null.
func monIsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
