package live

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/wire"
)

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
	return fmt.Sprintf("live: status message on %q: %v", e.Topic, e.Err)
}

// Unwrap returns the underlying problem.
func (e *MessageError) Unwrap() error { return e.Err }

// Is reports whether target is iotclient.ErrMalformedResponse.
func (e *MessageError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

// wireMessage is a status message as the platform writes it: PascalCase
// keys, every one optional on the wire. Action and ClientID are pointers so
// that an absent or null value can be told from "".
type wireMessage struct {
	Action      *string      `json:"Action"`
	Time        wire.IBMTime `json:"Time"`
	ClientID    *string      `json:"ClientID"`
	ClientAddr  string       `json:"ClientAddr"`
	Port        int64        `json:"Port"`
	Secure      bool         `json:"Secure"`
	Protocol    string       `json:"Protocol"`
	User        string       `json:"User"`
	Certname    string       `json:"Certname"`
	ConnectTime wire.IBMTime `json:"ConnectTime"`
	CloseCode   int64        `json:"CloseCode"`
	Reason      string       `json:"Reason"`
	ReadBytes   int64        `json:"ReadBytes"`
	ReadMsg     int64        `json:"ReadMsg"`
	WriteBytes  int64        `json:"WriteBytes"`
	WriteMsg    int64        `json:"WriteMsg"`
	Durable     bool         `json:"Durable"`
	// Keys the SDK does not model. staticcheck knows only encoding/json's
	// tag options; embed is go-json-experiment/json's embedded fallback.
	//lint:ignore SA5008 embed is an option of go-json-experiment/json
	Extra map[string]jsontext.Value `json:",embed"`
}

// ParseStatusMessage decodes one message of the monitor topics, for
// programs that run their own MQTT connection; Monitor uses it for every
// message it receives. topic must be a device status topic
// iot-2/type/{typeId}/id/{deviceId}/mon or an application status topic
// iot-2/app/{appId}/mon, and payload a JSON object with at least Action,
// Time and a ClientID that belongs to the topic (a device or gateway with
// the topic's type and ID, or an application with its app ID). Times must
// be RFC 3339; numbers integers; Secure and Durable booleans. A null value
// counts as absent. The JSON must be strict: a repeated member name or
// invalid UTF-8 is an error. Anything else is a *MessageError naming the
// topic and the field. Retained is left false: it is a property of the
// delivery, not of the message.
func ParseStatusMessage(topic string, payload []byte) (Event, error) {
	ev, err := parseStatusMessage(topic, payload)
	if err != nil {
		return Event{}, &MessageError{Topic: topic, Payload: bytes.Clone(payload), Err: err}
	}
	return ev, nil
}

func parseStatusMessage(topic string, payload []byte) (Event, error) {
	var w wireMessage
	if err := json.Unmarshal(payload, &w); err != nil {
		// json's error names the member, such as within "/Port".
		return Event{}, fmt.Errorf("the payload is not a valid status message: %w", err)
	}
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("field %q ", key)+fmt.Sprintf(format, args...))
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"Action", w.Action}, {"ClientID", w.ClientID}} {
		switch {
		case f.v == nil:
			bad(f.key, "is missing")
		case *f.v == "":
			bad(f.key, "is empty")
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
		case err != nil:
			bad("ClientID", "%q: %v", *w.ClientID, err)
		case !topicOf(topic, id):
			bad("ClientID", "%q does not belong to the topic", *w.ClientID)
		default:
			ev.ClientID = id
		}
	}
	for k, v := range w.Extra {
		if v.Kind() == 'n' {
			delete(w.Extra, k) // null counts as absent, for unknown keys too
		}
	}
	if len(w.Extra) > 0 {
		ev.Extra = w.Extra
	}
	if len(problems) > 0 {
		slices.Sort(problems) // one order whatever the payload's
		return Event{}, errors.New(strings.Join(problems, "; "))
	}
	return ev, nil
}

// topicOf reports whether topic is the monitor topic of the client id:
// iot-2/type/{typeId}/id/{deviceId}/mon for a device or gateway,
// iot-2/app/{appId}/mon for an application. id was parsed by
// clientstate.ParseClientID, so a topic it matches has valid ID parts.
func topicOf(topic string, id clientstate.ClientID) bool {
	var parts []string
	switch id.Kind {
	case clientstate.KindDevice, clientstate.KindGateway:
		parts = []string{"iot-2/type/", id.TypeID, "/id/", id.DeviceID, "/mon"}
	case clientstate.KindApp, clientstate.KindScalableApp:
		parts = []string{"iot-2/app/", id.AppID, "/mon"}
	}
	for _, p := range parts {
		var ok bool
		if topic, ok = strings.CutPrefix(topic, p); !ok {
			return false
		}
	}
	return len(parts) > 0 && topic == ""
}
