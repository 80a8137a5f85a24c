package live

import (
	"cmp"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// Monitor defaults.
const (
	DefaultMessagingPort    = 8883             // the broker's TLS port: ssl://{org}.messaging.{Domain}:8883
	DefaultKeepAlive        = 30 * time.Second // the MQTT keepalive interval
	DefaultConnectTimeout   = 30 * time.Second // bounds one attempt: TCP, TLS and the MQTT handshake
	DefaultReconnectWait    = time.Second      // the first backoff bound between attempts
	DefaultMaxReconnectWait = time.Minute      // the largest backoff bound
	DefaultEventBuffer      = 1024             // messages that may wait for the consumer
	// DefaultMaxMessageSize bounds a status message (topic and payload):
	// IBM's are a few hundred bytes, a few KiB at most.
	DefaultMaxMessageSize = 64 << 10
)

// Monitor limits, past which NewMonitor refuses a Config.
const (
	MaxEventBuffer = 1 << 20             // about 400 MB, allocated when a range starts
	MaxKeepAlive   = 65535 * time.Second // MQTT carries it in 16 bits of seconds
	// MaxMessageSizeLimit is the largest Config.MaxMessageSize: the most
	// an MQTT 3.1.1 packet can carry.
	MaxMessageSizeLimit = 268435455
	// MaxErrorPayload is the most of a payload a *MessageError keeps.
	MaxErrorPayload = 4 << 10
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
	typeID, deviceID = cmp.Or(typeID, "+"), cmp.Or(deviceID, "+")
	return Subscription{topic: "iot-2/type/" + typeID + "/id/" + deviceID + "/mon", err: idReason("d:o", typeID, deviceID)}
}

// AppStatus subscribes to the status of the application appID ("+" or ""
// for every one): iot-2/app/{appID}/mon. Application Disconnects are not
// retained: a new subscriber learns only which applications are connected.
func AppStatus(appID string) Subscription {
	appID = cmp.Or(appID, "+")
	return Subscription{topic: "iot-2/app/" + appID + "/mon", err: idReason("a:o", appID)}
}

// Topic is the MQTT topic filter, such as "iot-2/type/+/id/+/mon".
func (s Subscription) Topic() string { return s.topic }

// String is Topic.
func (s Subscription) String() string { return s.topic }

// idReason returns why clientstate.ParseClientID refuses the client ID
// prefix:part:part…, a "+" part standing for any valid one, or "".
func idReason(prefix string, parts ...string) string {
	id := prefix
	for _, p := range parts {
		if p == "+" {
			p = "x"
		}
		id += ":" + p
	}
	var ve *iotclient.ValidationError
	if _, err := clientstate.ParseClientID(id); errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// Config says where and as whom a Monitor connects, and what it watches.
// Zero fields take the Default* values.
type Config struct {
	OrgID  string // the organization; empty means the one in the API key (a-{org}-{random})
	Domain string // the platform domain (clientstate.DefaultDomain when empty)
	// Broker overrides OrgID and Domain: tcp://, ssl:// (also tls://,
	// mqtts://), ws:// or wss://host:port/path. Unencrypted to a
	// non-loopback host is refused without iotclient.WithInsecureCredentials.
	Broker string
	Auth   auth.Credential // auth.APIKey(key, token): the MQTT user name and password
	// AppID names the application in its client ID a:{OrgID}:{AppID} (1 to
	// 36 of [A-Za-z0-9-_.]; random when empty). Two connections with one
	// client ID kick each other off (close code 288): give each process its own.
	AppID         string
	Subscriptions []Subscription // the topics watched (every device when empty)
	// TLSConfig is cloned for ssl:// and wss://; nil means the system's
	// roots. A MaxVersion below TLS 1.2 is refused.
	TLSConfig *tls.Config
	KeepAlive time.Duration // the MQTT keepalive interval (1s to MaxKeepAlive)
	// ConnectTimeout bounds each attempt; cancelling the context ends one at
	// once, except over ws:// and wss://.
	ConnectTimeout time.Duration
	// ReconnectWait and MaxReconnectWait bound the backoff: the n-th
	// consecutive attempt waits up to min(MaxReconnectWait,
	// ReconnectWait·2ⁿ⁻¹), starting over once a connection lasted MaxReconnectWait.
	ReconnectWait, MaxReconnectWait time.Duration
	// EventBuffer is how many messages may wait for the consumer; when full,
	// the monitor stops reading, and a consumer stalled past the keepalive
	// makes it reconnect. Each (re)subscription brings one retained message
	// per device: size it to the fleet.
	EventBuffer int
	// MaxMessageSize is the largest status message the monitor reads, in
	// bytes of topic and payload (1 KiB to MaxMessageSizeLimit; 0 means
	// DefaultMaxMessageSize). A larger message is read only as far as its
	// first MaxErrorPayload bytes, the rest dropped as it arrives, and is
	// reported as a *MessageError matching ErrMessageTooLarge; the stream
	// goes on.
	MaxMessageSize int
	// OnConnect is called from the goroutine ranging over Events each time
	// the monitor has connected and subscribed, in stream order.
	OnConnect func(ConnectInfo)
}

// String describes the configuration without secrets or OnConnect.
func (c Config) String() string {
	return fmt.Sprintf("live.Config{OrgID: %q, Domain: %q, Broker: %q, Auth: %s, AppID: %q, Subscriptions: %v}",
		c.OrgID, c.Domain, redact.URL(c.Broker), redact.Credential(c.Auth), c.AppID, c.Subscriptions)
}

// Format prints String for every verb (%#v included, and slog's text
// handler), so none prints the credential.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// MarshalJSON encodes String as a JSON string.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// ConnectInfo describes a connection the monitor made.
type ConnectInfo struct {
	Connection int      // 1 for a range's first connection, 2 and up for reconnects
	Broker     string   // the broker's address
	ClientID   string   // the MQTT client ID
	Topics     []string // the topic filters subscribed to
}

// Reconnect reports whether this is not the monitor's first connection.
func (i ConnectInfo) Reconnect() bool { return i.Connection > 1 }

func randomAppID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "iotclient-" + hex.EncodeToString(b[:])
}

// basicCredentials reads the key and token of an auth.APIKey, which keeps
// them to itself, by applying it to a throwaway request (Apply reports an
// invalid credential).
func basicCredentials(c auth.Credential) (user, pass string, err error) {
	if c == nil {
		return "", "", invalid.Field("Config.Auth", "", "is required: auth.APIKey(key, token)")
	}
	req, _ := http.NewRequest(http.MethodGet, "https://monitor.invalid/", nil)
	if err := c.Apply(req, nil); err != nil {
		return "", "", err
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user == "" || pass == "" {
		return "", "", invalid.Field("Config.Auth", "", "must be auth.APIKey(key, token): the broker takes an API key and token")
	}
	return user, pass, nil
}

// setBroker works out and validates the broker address and TLS config.
func (m *monitor) setBroker(cfg Config, org string, allowInsecure bool) error {
	const field = "Config.Broker"
	raw := cfg.Broker
	if raw == "" {
		domain, err := ibmorg.Domain(cfg.Domain, clientstate.DefaultDomain)
		if err != nil {
			return err
		}
		raw = "ssl://" + org + ".messaging." + domain + ":" + strconv.Itoa(DefaultMessagingPort)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return invalid.Field(field, redact.URL(raw), "must be an address such as ssl://host:8883 or tcp://127.0.0.1:1883")
	}
	if u.User != nil {
		return invalid.Field(field, redact.URL(raw), "must not carry credentials: use Auth")
	}
	core.NormalizeLoopback(u) // so that ws:// to a loopback broker never goes through HTTP_PROXY
	secure, defaultPort := false, ""
	switch strings.ToLower(u.Scheme) {
	case "tcp", "mqtt":
		u.Scheme, defaultPort = "tcp", "1883"
	case "ssl", "tls", "mqtts", "tcps":
		u.Scheme, defaultPort, secure = "ssl", "8883", true
	case "ws":
		defaultPort = "80"
	case "wss":
		defaultPort, secure = "443", true
	default:
		return invalid.Field(field, redact.URL(raw), "has an unsupported scheme: use tcp, ssl, ws or wss")
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	if !secure && !allowInsecure && !core.IsLoopback(u.Hostname()) {
		return invalid.Field(field, redact.URL(u.String()), "is not encrypted and not a loopback address: the token would travel in clear (use ssl:// or wss://, or iotclient.WithInsecureCredentials)")
	}
	if t := cfg.TLSConfig; t != nil && t.MaxVersion != 0 {
		// Refused here rather than by a handshake failing on every attempt.
		switch {
		case t.MaxVersion < tls.VersionTLS12:
			return invalid.Field("Config.TLSConfig", "", "MaxVersion "+tls.VersionName(t.MaxVersion)+" is below TLS 1.2, the least the monitor uses")
		case t.MinVersion > t.MaxVersion:
			return invalid.Field("Config.TLSConfig", "", "MinVersion "+tls.VersionName(t.MinVersion)+" is above MaxVersion "+tls.VersionName(t.MaxVersion))
		}
	}
	if secure {
		m.tls = cmp.Or(cfg.TLSConfig.Clone(), &tls.Config{}) // Clone of nil is nil
		m.tls.ServerName = cmp.Or(m.tls.ServerName, u.Hostname())
		m.tls.MinVersion = max(m.tls.MinVersion, tls.VersionTLS12)
	}
	m.broker = u
	m.brokerShown = redact.URL(u.String())
	return nil
}
