package live

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
	Action      *string  `json:"Action"`
	Time        wireTime `json:"Time"`
	ClientID    *string  `json:"ClientID"`
	ClientAddr  string   `json:"ClientAddr"`
	Port        int64    `json:"Port"`
	Secure      bool     `json:"Secure"`
	Protocol    string   `json:"Protocol"`
	User        string   `json:"User"`
	Certname    string   `json:"Certname"`
	ConnectTime wireTime `json:"ConnectTime"`
	CloseCode   int64    `json:"CloseCode"`
	Reason      string   `json:"Reason"`
	ReadBytes   int64    `json:"ReadBytes"`
	ReadMsg     int64    `json:"ReadMsg"`
	WriteBytes  int64    `json:"WriteBytes"`
	WriteMsg    int64    `json:"WriteMsg"`
	Durable     bool     `json:"Durable"`
	// Keys the SDK does not model. staticcheck knows only encoding/json's
	// tag options; embed is go-json-experiment/json's embedded fallback.
	//lint:ignore SA5008 embed is an option of go-json-experiment/json
	Extra map[string]jsontext.Value `json:",embed"`
}

// wireTime is a time of a status message: an RFC 3339 string. Null leaves
// it unset; "" sets it to the zero time, which the caller treats as
// absent (or, for Time, as empty).
type wireTime struct {
	t   time.Time
	set bool // a non-null value was present
}

// errNotTimeString and errNotTime say why a time field was refused; the
// parser puts the field's name and value in front.
var (
	errNotTimeString = errors.New("not an RFC 3339 time string")
	errNotTime       = errors.New("not an RFC 3339 time")
)

// UnmarshalJSONFrom reads an RFC 3339 time string or null.
func (w *wireTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case '"':
	default:
		if k := tok.Kind(); k == '{' || k == '[' {
			if err := dec.SkipValue(); err != nil { // the rest of the object or array
				return err
			}
		}
		return errNotTimeString
	}
	w.set = true
	s := tok.String()
	if s == "" {
		return nil
	}
	t, err := wire.ParseIBM(s)
	if err != nil {
		return errNotTime
	}
	w.t = t
	return nil
}

// fieldWants says what each modelled field must hold, for error messages.
var fieldWants = map[string]string{
	"Action": "a string", "ClientID": "a string", "ClientAddr": "a string", "Protocol": "a string",
	"User": "a string", "Certname": "a string", "Reason": "a string",
	"Port": "an integer", "CloseCode": "an integer", "ReadBytes": "an integer", "ReadMsg": "an integer",
	"WriteBytes": "an integer", "WriteMsg": "an integer",
	"Secure": "a boolean", "Durable": "a boolean",
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
	st, err := parseStatusTopic(topic)
	if err != nil {
		return Event{}, err
	}
	if trimmed := bytes.TrimLeft(payload, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return Event{}, fmt.Errorf("the payload is not a JSON object: %s", snippet(payload))
	}
	var w wireMessage
	if err := json.Unmarshal(payload, &w); err != nil {
		return Event{}, fieldError(payload, err)
	}
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("field %q ", key)+fmt.Sprintf(format, args...))
	}
	required := func(key string, present, empty bool) {
		switch {
		case !present:
			problems = append(problems, fmt.Sprintf("field %q is missing", key))
		case empty:
			bad(key, "is empty")
		}
	}
	required("Action", w.Action != nil, w.Action != nil && *w.Action == "")
	required("Time", w.Time.set, w.Time.t.IsZero())
	required("ClientID", w.ClientID != nil, w.ClientID != nil && *w.ClientID == "")
	if w.Port < 0 || w.Port > 65535 {
		bad("Port", "is %d, not a port number", w.Port)
	}
	if w.CloseCode < 0 || w.CloseCode > 1<<31-1 {
		bad("CloseCode", "is %d, out of range", w.CloseCode)
	}
	ev := Event{
		Time: w.Time.t, ClientAddr: w.ClientAddr, Port: int(w.Port), Secure: w.Secure,
		Protocol: w.Protocol, User: w.User, Certname: w.Certname, ConnectTime: w.ConnectTime.t,
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
		case !st.matches(id):
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

// fieldError turns a decoding error into a message naming the field and
// the value that was refused, or says the payload is not valid JSON.
func fieldError(payload []byte, err error) error {
	var se *json.SemanticError
	if !errors.As(err, &se) || se.JSONPointer == "" {
		return fmt.Errorf("the payload is not valid JSON: %v", err)
	}
	key := se.JSONPointer.LastToken()
	// The value itself, for the message: the payload is valid JSON (the
	// error is about a type), so this second pass over it succeeds.
	var fields map[string]jsontext.Value
	_ = json.Unmarshal(payload, &fields)
	val := snippet(fields[key])
	switch {
	case errors.Is(err, errNotTime):
		return fmt.Errorf("field %q is %s, %v", key, val, errNotTime)
	case errors.Is(err, errNotTimeString):
		return fmt.Errorf("field %q is %s, %v", key, val, errNotTimeString)
	case fieldWants[key] != "":
		return fmt.Errorf("field %q is %s, not %s", key, val, fieldWants[key])
	}
	return fmt.Errorf("field %q: %v", key, err)
}

// snippet shortens a raw JSON value for an error message.
func snippet(raw []byte) string {
	const max = 40
	s := string(bytes.TrimSpace(raw))
	if len(s) > max {
		s = s[:max] + "…"
	}
	if s == "" {
		return "empty"
	}
	return s
}
