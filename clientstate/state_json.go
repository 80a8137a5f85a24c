package clientstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/iotclient/iotclient-go/internal/jsonscan"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// The JSON names of a state record's fields.
const (
	jsonID                   = "id"
	jsonClientType           = "clientType"
	jsonConnectionStatus     = "connectionStatus"
	jsonLastConnectTime      = "lastConnectTime"
	jsonLastDisconnectTime   = "lastDisconnectTime"
	jsonLastActivityTime     = "lastActivityTime"
	jsonLastActivityEvent    = "lastActivityEvent"
	jsonMQTTConnectProtocol  = "mqttConnectProtocol"
	jsonDisconnectedBy       = "disconnectedBy"       // unconfirmed
	jsonDisconnectReasonCode = "disconnectReasonCode" // unconfirmed
)

// UnmarshalJSON decodes a client state record as the platform sends it.
// Every field may be absent (or null), leaving its zero value; fields the
// SDK does not model land in Extra. Names match exactly (not
// case-insensitively, as encoding/json would for a struct). A field of the
// wrong JSON type or a time that is not RFC 3339 is an error naming the
// field.
//
// It validates the object, then reads it in one pass without reflection: a
// listing decodes thousands of these.
func (s *State) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" { // leave the value alone, as encoding/json does
		return nil
	}
	if len(data) == 0 || data[0] != '{' || !jsonscan.Valid(data) {
		return fmt.Errorf("clientstate: a client state record must be a JSON object, not %s", snippet(data))
	}
	return s.decode(data)
}

// decode is UnmarshalJSON for data already known to be a valid JSON object.
func (s *State) decode(data []byte) error {
	*s = State{}
	type problem struct{ name, msg string }
	var problems []problem
	bad := func(name, format string, args ...any) {
		problems = append(problems, problem{name, fmt.Sprintf(format, args...)})
	}
	str := func(name string, val []byte, dst *string) {
		v, ok := jsonString(val)
		if !ok {
			bad(name, "is %s, not a string", snippet(val))
			return
		}
		*dst = v
	}
	tm := func(name string, val []byte, dst *time.Time) {
		var v string
		if str(name, val, &v); v == "" {
			return
		}
		t, err := wire.ParseIBM(v)
		if err != nil {
			bad(name, "%v", err)
			return
		}
		*dst = t
	}
	eachField(data, func(nameBytes, val []byte) {
		if string(val) == "null" {
			if _, known := knownFields[string(nameBytes)]; known {
				return
			}
		}
		switch string(nameBytes) {
		case jsonID:
			str(jsonID, val, &s.ClientID)
		case jsonClientType:
			str(jsonClientType, val, (*string)(&s.ClientType))
		case jsonConnectionStatus:
			str(jsonConnectionStatus, val, (*string)(&s.Status))
		case jsonLastConnectTime:
			tm(jsonLastConnectTime, val, &s.LastConnected)
		case jsonLastDisconnectTime:
			tm(jsonLastDisconnectTime, val, &s.LastDisconnected)
		case jsonLastActivityTime:
			tm(jsonLastActivityTime, val, &s.LastActivity)
		case jsonLastActivityEvent:
			str(jsonLastActivityEvent, val, (*string)(&s.LastActivityEvent))
		case jsonMQTTConnectProtocol:
			str(jsonMQTTConnectProtocol, val, &s.Protocol)
		case jsonDisconnectedBy:
			str(jsonDisconnectedBy, val, (*string)(&s.DisconnectedBy))
		case jsonDisconnectReasonCode:
			code, err := reasonCode(val)
			if err != nil {
				bad(jsonDisconnectReasonCode, "%v", err)
				return
			}
			s.DisconnectReasonCode, s.HasDisconnectReasonCode = code, true
		default:
			if s.Extra == nil {
				s.Extra = make(map[string]json.RawMessage)
			}
			// Copy: the caller's buffer may be reused (the SDK's is pooled).
			s.Extra[string(nameBytes)] = append(json.RawMessage(nil), val...)
		}
	})
	if len(problems) == 0 {
		return nil
	}
	who := ""
	if s.ClientID != "" {
		who = fmt.Sprintf(" of client %q", s.ClientID)
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = fmt.Errorf("clientstate: field %q%s %s", p.name, who, p.msg)
	}
	return errors.Join(errs...)
}

var knownFields = map[string]struct{}{
	jsonID: {}, jsonClientType: {}, jsonConnectionStatus: {}, jsonLastConnectTime: {},
	jsonLastDisconnectTime: {}, jsonLastActivityTime: {}, jsonLastActivityEvent: {},
	jsonMQTTConnectProtocol: {}, jsonDisconnectedBy: {}, jsonDisconnectReasonCode: {},
}

// reasonCode accepts an integer JSON number or a string of digits: the
// field's type is as unconfirmed as its name.
func reasonCode(raw []byte) (int, error) {
	v := string(raw)
	if s, ok := jsonString(raw); ok {
		v = s
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("is %s, not an integer", snippet(raw))
	}
	return n, nil
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

// MarshalJSON encodes the state in the platform's form (the inverse of
// UnmarshalJSON): zero fields are left out, Extra's fields are included, and
// times are RFC 3339 UTC with milliseconds. Keys come out sorted.
func (s State) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 10+len(s.Extra))
	for k, v := range s.Extra {
		m[k] = v
	}
	put := func(name, v string) {
		if v != "" {
			m[name] = v
		}
	}
	putTime := func(name string, t time.Time) {
		if !t.IsZero() {
			m[name] = wire.FormatIBM(t)
		}
	}
	put(jsonID, s.ClientID)
	put(jsonClientType, string(s.ClientType))
	put(jsonConnectionStatus, string(s.Status))
	putTime(jsonLastConnectTime, s.LastConnected)
	putTime(jsonLastDisconnectTime, s.LastDisconnected)
	putTime(jsonLastActivityTime, s.LastActivity)
	put(jsonLastActivityEvent, string(s.LastActivityEvent))
	put(jsonMQTTConnectProtocol, s.Protocol)
	put(jsonDisconnectedBy, string(s.DisconnectedBy))
	if s.HasDisconnectReasonCode {
		m[jsonDisconnectReasonCode] = s.DisconnectReasonCode
	}
	return json.Marshal(m)
}
