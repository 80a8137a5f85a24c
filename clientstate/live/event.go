package live

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/clientstate"
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
	// offline (see Event.ClientIDReused).
	ActionDisconnect Action = "Disconnect"
)

// Known reports whether a is one of the documented actions.
func (a Action) Known() bool {
	return a == ActionConnect || a == ActionFailedConnect || a == ActionDisconnect
}

// Event is one message of the monitor topics: a device's (or an
// application's) connection, failed connection attempt or disconnection.
//
// The payload fields are the platform's PascalCase keys: Action, Time,
// ClientAddr, ClientID, Port, Secure, Protocol, User, Certname,
// ConnectTime, CloseCode, Reason, ReadBytes, ReadMsg, WriteBytes, WriteMsg
// and Durable. Which appear depends on the action (the byte and message
// counts, ConnectTime and usually CloseCode only on Disconnect); an absent
// field leaves its zero value. Keys the SDK does not model are kept in
// Extra.
type Event struct {
	// Action is what happened.
	Action Action
	// Time is when it happened, in UTC.
	Time time.Time
	// ClientID is the client the message is about.
	ClientID clientstate.ClientID
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
	Extra map[string]jsontext.Value
}

// ClientIDReused reports whether the event is a Disconnect with close code
// 288: a new connection used the same client ID and the platform closed
// the old one. The client is NOT offline: a connection with its ID exists.
// Two processes sharing one client ID keep kicking each other off this way.
func (e Event) ClientIDReused() bool {
	return e.Action == ActionDisconnect && e.CloseCode == CloseClientIDReused
}

// String summarises the event in one line, such as
// "2024-06-01T12:00:00.000Z d:ab12cd:sensor:s-1 Disconnect (160 timed out (keepalive))".
func (e Event) String() string {
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

// Cause says why the connection ended, for a Disconnect: the cause of its
// CloseCode (see clientstate.CauseOfCloseCode for the table; an
// undocumented code is clientstate.CauseUnknown and stays in CloseCode).
// For a FailedConnect it is why the attempt was refused, when the message
// names a close code (CauseUnknown when it does not). A Connect, or an
// action the SDK does not know, has clientstate.CauseNone.
//
// A Disconnect with close code 288 is clientstate.CauseDuplicateClientID:
// the client is not offline (see ClientIDReused).
func (e Event) Cause() clientstate.Cause {
	switch {
	case e.Action == ActionDisconnect:
		return clientstate.CauseOfCloseCode(e.CloseCode)
	case e.Action == ActionFailedConnect && e.CloseCode != 0:
		return clientstate.CauseOfCloseCode(e.CloseCode)
	case e.Action == ActionFailedConnect:
		return clientstate.CauseUnknown
	}
	return clientstate.CauseNone
}
