package clientstate

import (
	"bytes"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ConnectionStatus is whether a client is connected. It is both a filter of
// ListQuery and a field of State; values the platform may add are kept as
// they come.
type ConnectionStatus string

// The connection statuses the platform documents.
const (
	StatusConnected    ConnectionStatus = "connected"
	StatusDisconnected ConnectionStatus = "disconnected"
)

// Known reports whether s is StatusConnected or StatusDisconnected.
func (s ConnectionStatus) Known() bool { return s == StatusConnected || s == StatusDisconnected }

// ClientType is the kind of client a state describes, as the platform
// names it. Values other than the constants are kept as they come.
type ClientType string

// Client types. Only "device" appears in IBM's published sample; the others
// follow the platform's naming of client kinds.
const (
	ClientTypeDevice      ClientType = "device"
	ClientTypeGateway     ClientType = "gateway"
	ClientTypeApplication ClientType = "application"
)

// ActivityEvent is the last thing a client did. The platform's full list is
// not published: values other than the constants are kept as they come.
type ActivityEvent string

// Activity events seen in IBM's documentation.
const (
	ActivityPublish   ActivityEvent = "mqttPublish"
	ActivitySubscribe ActivityEvent = "mqttSubscribe"
)

// DisconnectedBy says who ended a client's last connection. Values other
// than the constants are kept as they come.
type DisconnectedBy string

// The parties the platform documentation names.
const (
	DisconnectedByClient  DisconnectedBy = "client"
	DisconnectedByServer  DisconnectedBy = "server"
	DisconnectedByNetwork DisconnectedBy = "network"
)

// State is the connection state of one client.
//
// The JSON names of the confirmed fields come from IBM's published sample:
// id, clientType, connectionStatus, lastConnectTime, lastDisconnectTime,
// lastActivityEvent, lastActivityTime and mqttConnectProtocol. The platform
// documentation also promises who caused a disconnect and its MQTT reason
// code, but their JSON names are unconfirmed (the API's Swagger file is no
// longer published): the SDK reads them as "disconnectedBy" and
// "disconnectReasonCode". Whatever the platform sends under other names is
// kept in Extra, so nothing is lost if those guesses are wrong.
type State struct {
	// ClientID is the full MQTT client ID ("id"); ParseClientID splits it.
	ClientID string
	// ClientType is the kind of client ("clientType").
	ClientType ClientType
	// Status is whether the client is connected ("connectionStatus").
	Status ConnectionStatus
	// LastConnected, LastDisconnected and LastActivity are the times of
	// the last connect, disconnect and activity ("lastConnectTime",
	// "lastDisconnectTime", "lastActivityTime"), in UTC; a time the
	// platform did not report (a client that never disconnected, say) is
	// the zero time.
	LastConnected    time.Time
	LastDisconnected time.Time
	LastActivity     time.Time
	// LastActivityEvent is the last activity ("lastActivityEvent").
	LastActivityEvent ActivityEvent
	// Protocol is the MQTT protocol version of the last connection, such
	// as "3.1.1" ("mqttConnectProtocol").
	Protocol string
	// DisconnectedBy says who caused the last disconnect ("disconnectedBy",
	// an unconfirmed name); empty when not reported.
	DisconnectedBy DisconnectedBy
	// DisconnectReasonCode is the MQTT reason code of the last disconnect
	// ("disconnectReasonCode", an unconfirmed name; a JSON number, or a
	// string of digits). Zero is also a real code (a normal disconnect), so
	// HasDisconnectReasonCode tells whether it was reported.
	DisconnectReasonCode    int
	HasDisconnectReasonCode bool
	// Extra holds every field of the record the SDK does not model, as
	// raw JSON under its name; nil when there were none.
	Extra map[string]jsontext.Value
}

// UnmarshalJSON decodes a client state record as the platform sends it.
// Every field may be absent (or null), leaving its zero value; fields the
// SDK does not model land in Extra. Names match exactly. A field of the
// wrong JSON type, a time that is not RFC 3339, a repeated name or invalid
// UTF-8 is an error naming what was wrong. Null leaves s unchanged, as
// encoding/json does.
func (s *State) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var w wireState
	if err := (object{&w}).DecodeJSON(data); err != nil {
		return err
	}
	*s = w.state()
	return nil
}

// MarshalJSON encodes the state in the platform's form (the inverse of
// UnmarshalJSON): zero fields are left out, Extra's fields are included, and
// times are RFC 3339 UTC with milliseconds.
func (s State) MarshalJSON() ([]byte, error) {
	w := fromState(&s)
	return json.Marshal(&w, json.OmitZeroStructFields(true), json.Deterministic(true))
}

// IsConnected reports whether the state's status is StatusConnected.
func (s *State) IsConnected() bool { return s.Status == StatusConnected }

// ParseClientID parses the state's client ID.
func (s *State) ParseClientID() (ClientID, error) { return ParseClientID(s.ClientID) }
