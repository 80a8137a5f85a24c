package live

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// Monitor defaults.
const (
	// DefaultMessagingPort is the TLS port of the platform's MQTT broker,
	// used when Config.Broker is empty: the broker is
	// ssl://{org}.messaging.{Domain}:8883.
	DefaultMessagingPort = 8883
	// DefaultKeepAlive is the MQTT keepalive interval.
	DefaultKeepAlive = 30 * time.Second
	// DefaultConnectTimeout bounds one connection attempt (TCP, TLS and
	// the MQTT handshake).
	DefaultConnectTimeout = 30 * time.Second
	// DefaultReconnectWait and DefaultMaxReconnectWait bound the
	// full-jitter exponential backoff between connection attempts.
	DefaultReconnectWait    = time.Second
	DefaultMaxReconnectWait = time.Minute
	// DefaultEventBuffer is how many received messages wait for the
	// consumer before the monitor stops reading from the broker.
	DefaultEventBuffer = 1024
)

// Monitor limits, past which NewMonitor refuses a Config.
const (
	// MaxEventBuffer is the largest Config.EventBuffer: a million
	// messages, about 400 MB allocated when a range over Events starts.
	MaxEventBuffer = 1 << 20
	// MaxKeepAlive is the largest Config.KeepAlive: MQTT carries it in
	// 16 bits of seconds.
	MaxKeepAlive = 65535 * time.Second
)

// Subscription is one monitor topic filter: DeviceStatus or AppStatus.
type Subscription struct {
	topic string
	err   string // why the filter is invalid, or ""
}

// DeviceStatus subscribes to the status of the devices (and gateways) of
// type typeID with ID deviceID: iot-2/type/{typeID}/id/{deviceID}/mon.
// Either may be "+" or "" for any.
func DeviceStatus(typeID, deviceID string) Subscription {
	typeID, deviceID = wildcard(typeID), wildcard(deviceID)
	return Subscription{topic: "iot-2/type/" + typeID + "/id/" + deviceID + "/mon", err: filterReason("d:o", typeID, deviceID)}
}

// AppStatus subscribes to the status of the application appID:
// iot-2/app/{appID}/mon. "+" or "" means every application. Application
// Disconnect messages are not retained: a new subscriber learns only which
// applications are connected.
func AppStatus(appID string) Subscription {
	appID = wildcard(appID)
	return Subscription{topic: "iot-2/app/" + appID + "/mon", err: filterReason("a:o", appID)}
}

// Topic is the MQTT topic filter, such as "iot-2/type/+/id/+/mon".
func (s Subscription) Topic() string { return s.topic }

// String is Topic.
func (s Subscription) String() string { return s.topic }

func wildcard(p string) string {
	if p == "" {
		return "+"
	}
	return p
}

// filterReason returns why the ID parts of a topic filter (each an ID or
// "+") break the client-ID rule of package clientstate, or "": the parts
// are checked as those of a client ID prefix:part:part.
func filterReason(prefix string, parts ...string) string {
	id := prefix
	for _, p := range parts {
		if p == "+" {
			p = "x"
		}
		id += ":" + p
	}
	return clientIDReason(id)
}

// clientIDReason returns why clientstate.ParseClientID refuses id, or "".
func clientIDReason(id string) string {
	_, err := clientstate.ParseClientID(id)
	if ve := (*iotclient.ValidationError)(nil); errors.As(err, &ve) {
		return ve.Reason
	} else if err != nil {
		return err.Error()
	}
	return ""
}

// Config says where and as whom a Monitor connects, and what it
// watches.
type Config struct {
	// OrgID is the organization ID. Empty means the one in the API key
	// (a-{org}-{random}).
	OrgID string
	// Domain is the platform domain; the broker is
	// ssl://{OrgID}.messaging.{Domain}:8883. Empty means clientstate.DefaultDomain.
	Domain string
	// Broker, when set, overrides OrgID and Domain as the broker's
	// address: tcp://host:port, ssl://host:port (also tls://, mqtts://) or
	// wss://host:port/path (WebSocket over TLS, port 443 on the platform).
	// Tests point it at the mock server's broker. Plain tcp:// or ws:// to
	// a host other than a loopback address is refused unless the monitor
	// is built with iotclient.WithInsecureCredentials, because the API
	// token would travel in clear.
	Broker string
	// Auth is the application's credential: auth.APIKey(key, token). The
	// key is the MQTT user name and the token its password.
	Auth auth.Credential
	// AppID names the application in its client ID a:{OrgID}:{AppID} (1
	// to 36 of [A-Za-z0-9-_.]). Empty means a random ID unique to this
	// Monitor ("iotclient-" and 16 hex digits). Two connections with the
	// same client ID kick each other off (close code 288) and, with
	// reconnects, keep doing so: give each running process its own AppID.
	AppID string
	// Subscriptions are the topics watched. Empty means every device:
	// DeviceStatus("+", "+").
	Subscriptions []Subscription
	// TLSConfig is used for ssl:// and wss:// brokers (cloned; a missing
	// ServerName is the broker's host, and at least TLS 1.2 is required:
	// a MaxVersion below it is refused). Nil means the system's roots.
	TLSConfig *tls.Config
	// KeepAlive is the MQTT keepalive interval (DefaultKeepAlive when
	// zero; 1s to MaxKeepAlive).
	KeepAlive time.Duration
	// ConnectTimeout bounds each connection attempt
	// (DefaultConnectTimeout when zero). Cancelling the context ends an
	// attempt at once, except over ws:// and wss://, where the attempt
	// runs to its end (at most ConnectTimeout) before Events returns.
	ConnectTimeout time.Duration
	// ReconnectWait and MaxReconnectWait bound the backoff between
	// connection attempts: the n-th consecutive attempt waits a random
	// time up to min(MaxReconnectWait, ReconnectWait·2ⁿ⁻¹). Zero means
	// DefaultReconnectWait and DefaultMaxReconnectWait. The backoff starts
	// over once a connection has stayed up for MaxReconnectWait.
	ReconnectWait, MaxReconnectWait time.Duration
	// EventBuffer is how many received messages may wait for the consumer
	// (DefaultEventBuffer when zero). When it is full the monitor stops
	// reading from the broker until the consumer catches up; a consumer
	// stalled for longer than the keepalive lets the connection time out,
	// and the monitor reconnects. Size it to the fleet: on every
	// (re)subscription the broker sends one retained message per device.
	EventBuffer int
	// OnConnect, when set, is called each time the monitor has connected
	// and subscribed, with Connection 1 the first time and higher after a
	// reconnect. It is called from the goroutine ranging over Events, in
	// stream order: every event yielded after it came over that
	// connection (starting with the retained state of the topics), every
	// event before it over an earlier one.
	OnConnect func(ConnectInfo)
}

// String describes the configuration without secrets: the broker's
// address without user information or query, the credential as it
// redacts itself, and no OnConnect.
func (c Config) String() string {
	topics := make([]string, len(c.Subscriptions))
	for i, s := range c.Subscriptions {
		topics[i] = s.topic
	}
	return fmt.Sprintf("live.Config{OrgID: %q, Domain: %q, Broker: %q, Auth: %s, AppID: %q, Subscriptions: [%s]}",
		c.OrgID, c.Domain, redact.URL(c.Broker), redact.Credential(c.Auth), c.AppID, strings.Join(topics, " "))
}

// Format prints String for every verb (%d and %x included), so that no
// verb prints the fields, the credential among them.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

// LogValue is String, for log/slog handlers.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON encodes String as a JSON string: encoding/json would
// otherwise fail on OnConnect, and could print a credential type's
// exported fields.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// ConnectInfo describes a connection the monitor made.
type ConnectInfo struct {
	// Connection counts the connections of one range over Events: 1 for
	// the first, 2 and up for reconnects.
	Connection int
	// Broker is the broker's address.
	Broker string
	// ClientID is the MQTT client ID the monitor connected with.
	ClientID string
	// Topics are the topic filters subscribed to.
	Topics []string
}

// Reconnect reports whether this is not the monitor's first connection.
func (i ConnectInfo) Reconnect() bool { return i.Connection > 1 }
