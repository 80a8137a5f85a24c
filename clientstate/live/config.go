package live

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/auth"
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
