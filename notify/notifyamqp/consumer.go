package notifyamqp

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Consumer reads IoTDA's forwarded notifications from an AMQP queue. Build
// it with NewConsumer and range over Notifications, or call Consume. Its
// methods are safe for concurrent use; each stream has its own connection.
type Consumer struct {
	// A function rather than a pointer, as live.Monitor does: fmt prints a
	// nested pointer to a struct in full where it cannot call Format, but a
	// function only as an address.
	state func() *consumer
}

type consumer struct {
	cfg    Config
	host   string // the server name, for TLS
	addr   string // host:port, for dialing and messages
	tls    *tls.Config
	logger *slog.Logger

	// dial opens the TCP connection TLS runs over (a test hook).
	dial func(ctx context.Context, addr string) (net.Conn, error)
}

// NewConsumer validates cfg and builds a consumer; it connects to nothing.
// Of the options, iotclient.WithLogger applies. Invalid input is a
// *iotclient.ValidationError naming the field.
func NewConsumer(cfg Config, opts ...iotclient.Option) (*Consumer, error) {
	s := core.Settings(opts)
	if err := s.Err(); err != nil {
		return nil, err
	}
	for _, name := range s.Applied {
		if name != "WithLogger" {
			return nil, invalid.Field(name, "", "does not apply to a notifyamqp.Consumer, which sends no HTTP request: only WithLogger does")
		}
	}
	cfg.Queue = cmp.Or(cfg.Queue, DefaultQueue)
	cfg.Credit = cmp.Or(cfg.Credit, DefaultCredit)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout)
	cfg.ConnectTimeout = cmp.Or(cfg.ConnectTimeout, DefaultConnectTimeout)
	cfg.ReconnectWait = cmp.Or(cfg.ReconnectWait, DefaultReconnectWait)
	cfg.MaxReconnectWait = cmp.Or(cfg.MaxReconnectWait, DefaultMaxReconnectWait)

	host, addr, reason := hostPort(cfg.Host)
	if reason != "" {
		return nil, invalid.Field("Config.Host", cfg.Host, reason)
	}
	switch {
	case cfg.AccessKey == "":
		return nil, invalid.Field("Config.AccessKey", "", "is required: the access key of the AMQP access credential")
	case strings.ContainsAny(cfg.AccessKey, "|=\x00"):
		// Shown as empty: the value is a credential.
		return nil, invalid.Field("Config.AccessKey", "", "must not contain '|', '=' or NUL, which would break the user name accessKey=…|timestamp=…")
	case cfg.AccessCode == "":
		return nil, invalid.Field("Config.AccessCode", "", "is required: the access code of the AMQP access credential")
	case len(cfg.AccessCode) > 256 || strings.ContainsRune(cfg.AccessCode, 0):
		return nil, invalid.Field("Config.AccessCode", "", "must be at most 256 bytes without NUL")
	case strings.ContainsAny(cfg.InstanceID, "|=\x00"):
		return nil, invalid.Field("Config.InstanceID", cfg.InstanceID, "must not contain '|', '=' or NUL")
	case !validQueue(cfg.Queue):
		return nil, invalid.Field("Config.Queue", cfg.Queue, "must be 8 to 128 of A-Z a-z 0-9 _ - . :")
	case cfg.Credit < 1 || cfg.Credit > MaxCredit:
		return nil, invalid.Field("Config.Credit", strconv.Itoa(cfg.Credit), "must be 1 to "+strconv.Itoa(MaxCredit))
	case cfg.IdleTimeout < time.Second:
		return nil, invalid.Field("Config.IdleTimeout", cfg.IdleTimeout.String(), "must be at least 1s")
	case cfg.ConnectTimeout < 0:
		return nil, invalid.Field("Config.ConnectTimeout", cfg.ConnectTimeout.String(), "must not be negative")
	case cfg.ReconnectWait < 0 || cfg.MaxReconnectWait < cfg.ReconnectWait:
		return nil, invalid.Field("Config.ReconnectWait", cfg.ReconnectWait.String()+".."+cfg.MaxReconnectWait.String(), "needs 0 <= ReconnectWait <= MaxReconnectWait")
	}
	t := cmp.Or(cfg.TLSConfig.Clone(), &tls.Config{}) // Clone of nil is nil
	switch {
	case t.InsecureSkipVerify && !cfg.InsecureSkipServerVerification:
		return nil, invalid.Field("Config.TLSConfig", "InsecureSkipVerify", "is refused: set Config.InsecureSkipServerVerification to accept any server certificate")
	case t.MaxVersion != 0 && t.MaxVersion < tls.VersionTLS12:
		return nil, invalid.Field("Config.TLSConfig", "", "MaxVersion "+tls.VersionName(t.MaxVersion)+" is below TLS 1.2, the least IoTDA and the consumer use")
	case t.MaxVersion != 0 && t.MinVersion > t.MaxVersion:
		return nil, invalid.Field("Config.TLSConfig", "", "MinVersion "+tls.VersionName(t.MinVersion)+" is above MaxVersion "+tls.VersionName(t.MaxVersion))
	}
	t.ServerName = cmp.Or(t.ServerName, host)
	t.MinVersion = max(t.MinVersion, tls.VersionTLS12)
	t.InsecureSkipVerify = cfg.InsecureSkipServerVerification

	c := &consumer{
		cfg:    cfg,
		host:   host,
		addr:   addr,
		tls:    t,
		logger: cmp.Or(s.Logger, slog.New(slog.DiscardHandler)),
	}
	c.dial = c.dialTCP
	return &Consumer{state: func() *consumer { return c }}, nil
}

func (c *Consumer) get() *consumer {
	if c == nil || c.state == nil {
		return nil
	}
	return c.state()
}

// String describes the consumer (address, queue) without its credential.
func (c *Consumer) String() string {
	s := c.get()
	if s == nil {
		return "notifyamqp.Consumer{} (not built by NewConsumer)"
	}
	return fmt.Sprintf("notifyamqp.Consumer{Address: %q, Queue: %q}", s.addr, s.cfg.Queue)
}

// Format prints String for every verb, so none prints the credential.
func (c *Consumer) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// MarshalJSON encodes String as a JSON string.
func (c *Consumer) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// Address is the host:port the consumer dials.
func (c *Consumer) Address() string {
	if s := c.get(); s != nil {
		return s.addr
	}
	return ""
}

// Queue is the queue the consumer reads.
func (c *Consumer) Queue() string {
	if s := c.get(); s != nil {
		return s.cfg.Queue
	}
	return ""
}
