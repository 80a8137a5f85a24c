package notifyamqp

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
)

// Defaults of a Config's zero fields.
const (
	DefaultPort             = 5671             // IoTDA's AMQPS port
	DefaultQueue            = "DefaultQueue"   // the queue every IoTDA account has
	DefaultCredit           = 100              // messages the broker may send ahead, as Huawei's Go sample
	DefaultIdleTimeout      = 30 * time.Second // the spec's advice; Huawei's Java demo uses the same
	DefaultConnectTimeout   = 30 * time.Second // TLS, SASL, open, session and receiver together
	DefaultReconnectWait    = time.Second      // the first backoff bound between attempts
	DefaultMaxReconnectWait = 30 * time.Second // the largest backoff bound
)

// MaxCredit is the largest Config.Credit: every message sent ahead is held in
// memory until it is handled.
const MaxCredit = 10000

// Config says where and as whom a Consumer connects, and which queue it
// reads. Zero fields take the Default* values.
type Config struct {
	// Host is the instance's AMQPS access address (console: instance
	// Overview > Access Details), such as
	// "a1b2c3d4e5.st1.iotda-app.cn-north-4.myhuaweicloud.com", with an
	// optional ":port" (DefaultPort) or "amqps://" in front.
	Host string
	// AccessKey and AccessCode are the AMQP access credential
	// (POST /v5/iot/{project_id}/auth/accesscode). Generating a new one
	// invalidates the old: the consumer then stops with ErrAuthentication.
	// Neither is shown by String, an error or a log line.
	AccessKey, AccessCode string
	// InstanceID is sent in the user name's instanceId part; IoTDA needs it
	// when a region has several standard instances.
	InstanceID string
	// OmitEmptyInstanceID leaves the instanceId part out of the user name
	// when InstanceID is empty. By default the part is sent empty
	// ("…|instanceId="), as Huawei's Go sample does; that IoTDA accepts an
	// empty part is unconfirmed, so this switch exists for a server that
	// refuses it.
	OmitEmptyInstanceID bool
	// Queue is the queue to read (DefaultQueue when empty): 8 to 128 of
	// A-Z a-z 0-9 _ - . :, as IoTDA names them.
	Queue string
	// Credit is how many messages the broker may send before the consumer
	// has handled them (1 to MaxCredit). The consumer grants more once every
	// message of the last grant has arrived and at most half of Credit
	// waits to be handled, so the broker sends while the consumer handles;
	// handled messages wait for their accept apart from these, at most
	// Credit of them.
	Credit int
	// TLSConfig is cloned for each connection; nil means the system's roots.
	// ServerName defaults to Host's name; the version is at least TLS 1.2.
	// Its InsecureSkipVerify is refused: see InsecureSkipServerVerification.
	TLSConfig *tls.Config
	// InsecureSkipServerVerification accepts any server certificate, as every
	// one of Huawei's samples does. Anyone on the path can then read the
	// access code and every notification. Each connection logs a warning.
	InsecureSkipServerVerification bool
	// IdleTimeout is the AMQP idle timeout the consumer announces: the
	// broker closes the connection after hearing nothing for this long.
	IdleTimeout time.Duration
	// ConnectTimeout bounds each attempt: TCP, TLS, SASL, open, and
	// attaching the receiver.
	ConnectTimeout time.Duration
	// ReconnectWait and MaxReconnectWait bound the backoff: the n-th
	// consecutive attempt waits a random time up to min(MaxReconnectWait,
	// ReconnectWait·2ⁿ⁻¹), starting over once a connection lasted
	// MaxReconnectWait.
	ReconnectWait, MaxReconnectWait time.Duration
	// OnConnect is called from the goroutine ranging over the stream each
	// time the consumer has connected and attached its receiver.
	OnConnect func(ConnectInfo)
}

// String describes the configuration without the access key and code.
func (c Config) String() string {
	return fmt.Sprintf("notifyamqp.Config{Host: %q, AccessKey: %s, AccessCode: %s, InstanceID: %q, Queue: %q, Credit: %d, InsecureSkipServerVerification: %t}",
		c.Host, shown(c.AccessKey), shown(c.AccessCode), c.InstanceID, c.Queue, c.Credit, c.InsecureSkipServerVerification)
}

// Format prints String for every verb (%#v included, and slog's text
// handler), so none prints a credential.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// MarshalJSON encodes String as a JSON string.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

func shown(secret string) string {
	if secret == "" {
		return `""`
	}
	return "redacted"
}

// ConnectInfo describes a connection the consumer made.
type ConnectInfo struct {
	Connection int    // 1 for a stream's first connection, 2 and up for reconnects
	Address    string // host:port
	Queue      string // the queue the receiver reads
}

// Reconnect reports whether this is not the stream's first connection.
func (i ConnectInfo) Reconnect() bool { return i.Connection > 1 }

// hostPort reads Config.Host: host, host:port or amqps://host[:port].
func hostPort(raw string) (host, addr string, reason string) {
	s := raw
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		switch {
		case err != nil:
			return "", "", "is not a host name or amqps:// address"
		case !strings.EqualFold(u.Scheme, "amqps"):
			return "", "", "must be amqps://: IoTDA speaks AMQP over TLS only"
		case u.User != nil || u.RawQuery != "" || (u.Path != "" && u.Path != "/"):
			return "", "", "must be amqps://host[:port] alone: the vhost is always default, the credential goes in AccessKey and AccessCode"
		}
		s = u.Host
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = s, strconv.Itoa(DefaultPort)
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", "has an invalid port"
	}
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return "", "", "must be the AMQPS access address, such as xxxx.st1.iotda-app.cn-north-4.myhuaweicloud.com"
	}
	return host, net.JoinHostPort(host, port), ""
}

// validQueue reports whether name is a queue name IoTDA accepts.
func validQueue(name string) bool {
	if len(name) < 8 || len(name) > 128 {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:", r))
	}) < 0
}

// userName is the SASL PLAIN user name IoTDA expects, with the timestamp
// (milliseconds) of now: IoTDA refuses one more than five minutes off, so
// every dial builds it afresh.
func (c *consumer) userName(now time.Time) string {
	s := "accessKey=" + c.cfg.AccessKey + "|timestamp=" + strconv.FormatInt(now.UnixMilli(), 10)
	if c.cfg.InstanceID != "" || !c.cfg.OmitEmptyInstanceID {
		s += "|instanceId=" + c.cfg.InstanceID
	}
	return s
}
