package live

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
)

// Monitor streams the connection status of devices (and applications)
// from the platform's MQTT monitor topics. Build it with NewMonitor and
// range over Events; it connects when the range starts and disconnects
// when it ends. A Monitor streams once at a time, and its methods are safe
// for concurrent use. A Monitor not built by NewMonitor (the zero value)
// yields ErrMonitorNotBuilt.
type Monitor struct {
	// state returns what the monitor holds; nil for the zero Monitor.
	// It is a function rather than a pointer because fmt prints a Monitor
	// value's fields without calling their methods (a dereferenced
	// *Monitor, or one in an unexported field), and under a verb such as %s
	// it prints a nested pointer to a struct in full, token and TLS keys
	// included; a function it prints as an address under every verb.
	state func() *monitor
}

// monitor is what a Monitor holds.
type monitor struct {
	cfg         Config
	broker      *url.URL
	brokerStr   string // the address paho connects to
	brokerShown string // brokerStr without its query: for String, logs and errors
	clientID    string
	user        string
	pass        string
	topics      []string
	tls         *tls.Config
	logger      *slog.Logger

	keepAlive, connectTimeout time.Duration
	minWait, maxWait          time.Duration
	buffer                    int

	busy atomic.Bool
}

// NewMonitor validates cfg and builds a monitor. It sends nothing: the
// connection is made when Events is ranged over. Of the options,
// iotclient.WithLogger (connection events at Info and Warn level) and
// iotclient.WithInsecureCredentials apply; the HTTP ones are accepted and
// ignored. Invalid input is a *iotclient.ValidationError naming the field.
func NewMonitor(cfg Config, opts ...iotclient.Option) (*Monitor, error) {
	s := config.Build(opts)
	if err := s.Err(); err != nil {
		return nil, err
	}
	m := &monitor{cfg: cfg, logger: s.Logger}
	user, pass, err := basicCredentials(cfg.Auth)
	if err != nil {
		return nil, err
	}
	m.user, m.pass = user, pass
	org, err := ibmorg.Resolve("Config.OrgID", cfg.OrgID, cfg.Auth)
	if err != nil {
		return nil, err
	}
	// The org and app ID follow the client-ID rule of package clientstate.
	if r := clientIDReason("a:" + org + ":x"); r != "" {
		return nil, iotclient.NewValidationError("Config.OrgID", org, r)
	}
	appID := cfg.AppID
	if appID == "" {
		appID = randomAppID()
	} else if r := clientIDReason("a:o:" + appID); r != "" {
		return nil, iotclient.NewValidationError("Config.AppID", appID, r)
	}
	m.clientID = "a:" + org + ":" + appID

	if err := m.setBroker(cfg, org, s.AllowInsecure); err != nil {
		return nil, err
	}

	subs := cfg.Subscriptions
	if len(subs) == 0 {
		subs = []Subscription{DeviceStatus("+", "+")}
	}
	seen := make(map[string]bool, len(subs))
	for i, sub := range subs {
		field := "Config.Subscriptions[" + strconv.Itoa(i) + "]"
		switch {
		case sub.topic == "":
			return nil, iotclient.NewValidationError(field, "", "is empty: build subscriptions with DeviceStatus or AppStatus")
		case sub.err != "":
			return nil, iotclient.NewValidationError(field, sub.topic, sub.err)
		}
		if !seen[sub.topic] {
			seen[sub.topic] = true
			m.topics = append(m.topics, sub.topic)
		}
	}

	m.keepAlive = orDefault(cfg.KeepAlive, DefaultKeepAlive)
	m.connectTimeout = orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	m.minWait = orDefault(cfg.ReconnectWait, DefaultReconnectWait)
	m.maxWait = orDefault(cfg.MaxReconnectWait, DefaultMaxReconnectWait)
	switch {
	case m.keepAlive < time.Second:
		return nil, iotclient.NewValidationError("Config.KeepAlive", m.keepAlive.String(), "must be at least 1s (MQTT counts it in seconds)")
	case m.keepAlive > MaxKeepAlive:
		// paho writes it into the 16-bit field of CONNECT, where a larger
		// value would wrap (65536s becomes 0: no keepalive at all).
		return nil, iotclient.NewValidationError("Config.KeepAlive", m.keepAlive.String(), "must be at most "+MaxKeepAlive.String()+" (MQTT's 16-bit keepalive in seconds)")
	case m.connectTimeout < 0:
		return nil, iotclient.NewValidationError("Config.ConnectTimeout", m.connectTimeout.String(), "must not be negative")
	case m.minWait < 0 || m.maxWait < m.minWait:
		return nil, iotclient.NewValidationError("Config.ReconnectWait", m.minWait.String()+".."+m.maxWait.String(), "needs 0 <= ReconnectWait <= MaxReconnectWait")
	case cfg.EventBuffer < 0 || cfg.EventBuffer > MaxEventBuffer:
		// The buffer is allocated whole when a range starts: an absurd
		// size would panic in make (or take the machine's memory).
		return nil, iotclient.NewValidationError("Config.EventBuffer", strconv.Itoa(cfg.EventBuffer), "must be 0 to "+strconv.Itoa(MaxEventBuffer))
	}
	m.buffer = cfg.EventBuffer
	if m.buffer == 0 {
		m.buffer = DefaultEventBuffer
	}
	return &Monitor{state: func() *monitor { return m }}, nil
}

// get returns what the monitor holds, or nil for a Monitor that NewMonitor
// did not return (a nil pointer or the zero value).
func (m *Monitor) get() *monitor {
	if m == nil || m.state == nil {
		return nil
	}
	return m.state()
}

// String describes the monitor (broker, client ID, topics) without its
// credentials.
func (m *Monitor) String() string {
	s := m.get()
	if s == nil {
		return "live.Monitor{} (not built by NewMonitor)"
	}
	return fmt.Sprintf("live.Monitor{Broker: %q, ClientID: %q, Topics: [%s]}",
		s.brokerShown, s.clientID, strings.Join(s.topics, " "))
}

// GoString is String, so %#v cannot reveal more than %v.
func (m *Monitor) GoString() string { return m.String() }

// Format prints String for every verb, so that no verb prints the token the
// monitor holds.
func (m *Monitor) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// LogValue is String, for log/slog handlers.
func (m *Monitor) LogValue() slog.Value { return slog.StringValue(m.String()) }

// MarshalJSON encodes String as a JSON string, so encoding/json and slog's
// JSON handler show the broker, client ID and topics and nothing else.
func (m *Monitor) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// ClientID is the MQTT client ID the monitor connects with,
// a:{org}:{appId}.
func (m *Monitor) ClientID() string {
	if s := m.get(); s != nil {
		return s.clientID
	}
	return ""
}

// Broker is the broker's address, such as
// ssl://ab12cd.messaging.internetofthings.ibmcloud.com:8883, with any
// query string (which String and errors leave out).
func (m *Monitor) Broker() string {
	if s := m.get(); s != nil {
		return s.brokerStr
	}
	return ""
}

// Topics are the topic filters the monitor subscribes to.
func (m *Monitor) Topics() []string {
	if s := m.get(); s != nil {
		return append([]string(nil), s.topics...)
	}
	return nil
}

// Events connects to the broker, subscribes, and yields each status
// message as a Event, in the order the broker delivered them: first
// the retained state of the subscribed topics (Retained true: for devices,
// the last Connect or Disconnect of each one), then live changes as they
// happen. It runs until ctx is done or the loop breaks, then disconnects;
// when it returns, every goroutine it started has ended. Ranging again
// connects again.
//
// Errors do not all end the stream (see IsTransient):
//
//   - a message that cannot be decoded yields a *MessageError naming its
//     topic, and the stream goes on with the next message;
//   - a lost connection or a failed attempt yields a *ConnectionError; the
//     monitor reconnects with backoff and resubscribes (Config's
//     OnConnect tells when), and the stream goes on with the topics'
//     retained state, then live changes;
//   - a *ConnectionError with Fatal set (refused credentials, client ID or
//     subscription; a broker certificate that does not verify; no TLS
//     version in common), ErrMonitorBusy or ErrMonitorNotBuilt is the last
//     thing yielded.
//
// A cancelled context ends the stream without an error.
func (m *Monitor) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		mon := m.get()
		if mon == nil {
			yield(Event{}, ErrMonitorNotBuilt)
			return
		}
		if !mon.busy.CompareAndSwap(false, true) {
			yield(Event{}, ErrMonitorBusy)
			return
		}
		defer mon.busy.Store(false)
		mon.stream(ctx, yield)
	}
}
