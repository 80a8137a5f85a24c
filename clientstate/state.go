package clientstate

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/iotclient/iotclient-go/internal/core"
)

// ConnectionStatus is whether a client is connected. Other values are kept
// as they come.
type ConnectionStatus string

// The connection statuses the platform documents.
const (
	StatusConnected    ConnectionStatus = "connected"
	StatusDisconnected ConnectionStatus = "disconnected"
)

// Known reports whether s is StatusConnected or StatusDisconnected.
func (s ConnectionStatus) Known() bool { return s == StatusConnected || s == StatusDisconnected }

// ClientType is the kind of client a state describes. Other values are kept
// as they come.
type ClientType string

// Client types. Only "device" appears in IBM's published sample.
const (
	ClientTypeDevice      ClientType = "device"
	ClientTypeGateway     ClientType = "gateway"
	ClientTypeApplication ClientType = "application"
)

// ActivityEvent is the last thing a client did. The full list is not
// published: other values are kept as they come.
type ActivityEvent string

// Activity events seen in IBM's documentation.
const (
	ActivityPublish   ActivityEvent = "mqttPublish"
	ActivitySubscribe ActivityEvent = "mqttSubscribe"
)

// DisconnectedBy says who ended a client's last connection. Other values
// are kept as they come.
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
	ClientID   string           // the full MQTT client ID ("id"); see ParseClientID
	ClientType ClientType       // "clientType"
	Status     ConnectionStatus // "connectionStatus"
	// The times of the last connect, disconnect and activity
	// ("lastConnectTime", "lastDisconnectTime", "lastActivityTime"), in
	// UTC; zero when not reported.
	LastConnected     time.Time
	LastDisconnected  time.Time
	LastActivity      time.Time
	LastActivityEvent ActivityEvent // "lastActivityEvent"
	Protocol          string        // the MQTT version, such as "3.1.1" ("mqttConnectProtocol")
	// DisconnectedBy says who caused the last disconnect ("disconnectedBy",
	// an unconfirmed name); empty when not reported.
	DisconnectedBy DisconnectedBy
	// DisconnectReasonCode is the MQTT reason code of the last disconnect
	// ("disconnectReasonCode", an unconfirmed name; a number or a string of
	// digits). HasDisconnectReasonCode says whether it was reported, as 0
	// is a real code.
	DisconnectReasonCode    int
	HasDisconnectReasonCode bool
	// Extra holds the fields the SDK does not model, as raw JSON by name.
	// Its values are encoding/json's RawMessage, the SDK's one raw-JSON
	// type: the standard library's on every supported Go version, where
	// go-json-experiment's jsontext.Value is that module's own type on Go
	// 1.26 and the standard one only from 1.27. Decoding stays on
	// go-json-experiment.
	Extra map[string]stdjson.RawMessage
}

// UnmarshalJSON decodes a client state record as the platform sends it:
// names match exactly, absent or null fields stay zero, and unknown ones go
// to Extra. A wrong type, a repeated name, invalid UTF-8 or a time that is
// not RFC 3339 is an error naming the field. Times are RFC 3339 only, as
// IBM writes them ("2018-09-27T08:40:54.456Z"): not the wider forms Go's
// time.Parse also takes (a comma before the fraction, a one-digit hour),
// nor a time an offset moves outside the years 0000-9999 in UTC, which
// MarshalJSON could not write back. Null leaves s unchanged.
func (s *State) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var w wireState
	if err := core.DecodeObject(data, &w); err != nil {
		// On Go 1.27 encoding/json runs on the v2 engine and rewrites a
		// json error returned by a method into its v1 form, which names
		// the member differently than on Go 1.26. A plain error with the
		// same text passes through both unchanged.
		return errors.New(err.Error())
	}
	*s = w.state()
	return nil
}

// MarshalJSON encodes the state in the platform's form, the inverse of
// UnmarshalJSON: zero fields left out, Extra's included, times in UTC with
// milliseconds as IBM writes them, or with every digit a finer time has,
// so that a decoded state encodes and decodes back to the same instants. A
// time outside the years 0000-9999 in UTC is an error: RFC 3339 cannot
// write it.
func (s State) MarshalJSON() ([]byte, error) {
	w := fromState(&s)
	return json.Marshal(&w, json.OmitZeroStructFields(true), json.Deterministic(true))
}

// IsConnected reports whether the state's status is StatusConnected.
func (s *State) IsConnected() bool { return s.Status == StatusConnected }

// ParseClientID parses the state's client ID.
func (s *State) ParseClientID() (ClientID, error) { return ParseClientID(s.ClientID) }
