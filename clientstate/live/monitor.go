package live

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/internal/config"
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
	s := Subscription{topic: topicRoot + "/type/" + typeID + "/id/" + deviceID + "/" + topicMonSuffix}
	if r := filterPartReason(typeID); r != "" {
		s.err = "the typeID " + r
	} else if r := filterPartReason(deviceID); r != "" {
		s.err = "the deviceID " + r
	}
	return s
}

// AppStatus subscribes to the status of the application appID:
// iot-2/app/{appID}/mon. "+" or "" means every application. Application
// Disconnect messages are not retained: a new subscriber learns only which
// applications are connected.
func AppStatus(appID string) Subscription {
	appID = wildcard(appID)
	s := Subscription{topic: topicRoot + "/app/" + appID + "/" + topicMonSuffix}
	if r := filterPartReason(appID); r != "" {
		s.err = "the appID " + r
	}
	return s
}

// Topic is the MQTT topic filter, such as "iot-2/type/+/id/+/mon".
func (s Subscription) Topic() string { return s.topic }

// String is Topic.
func (s Subscription) String() string { return s.topic }

func wildcard(p string) string {
	if p == "" {
		return topicWildcard
	}
	return p
}

func filterPartReason(p string) string {
	if p == topicWildcard {
		return ""
	}
	if r := partReason(p); r != "" {
		return fmt.Sprintf("%q %s (or \"+\" for any)", p, r)
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
	// ServerName is the broker's host, and at least TLS 1.2 is required).
	// Nil means the system's roots.
	TLSConfig *tls.Config
	// KeepAlive is the MQTT keepalive interval (DefaultKeepAlive when
	// zero).
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

// String describes the configuration without secrets.
func (c Config) String() string {
	subs := make([]string, len(c.Subscriptions))
	for i, s := range c.Subscriptions {
		subs[i] = s.topic
	}
	return fmt.Sprintf("live.Config{OrgID: %q, Domain: %q, Broker: %q, Auth: %s, AppID: %q, Subscriptions: [%s]}",
		c.OrgID, c.Domain, redact.URL(c.Broker), redact.Credential(c.Auth), c.AppID, strings.Join(subs, " "))
}

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

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

// ConnectionError reports a connection attempt that failed or an
// established connection that was lost. Unless Fatal, the monitor retries
// after RetryIn and the stream goes on; after a reconnect it delivers the
// retained state of the topics again, which brings any device that changed
// while the monitor was away up to date (but not the intermediate changes,
// which MQTT does not keep).
//
// Fatal errors end the stream: the broker refused the credentials, the
// client ID or a subscription, which retrying would not change.
type ConnectionError struct {
	Broker  string        // the broker's address
	Lost    bool          // an established connection dropped (else an attempt failed)
	Attempt int           // consecutive failed attempts, this one included (0 when Lost)
	RetryIn time.Duration // the wait before the next attempt
	Fatal   bool          // the monitor gives up
	Err     error         // the cause
}

// Error says what failed and what the monitor does next.
func (e *ConnectionError) Error() string {
	var b strings.Builder
	b.WriteString("live: monitor ")
	switch {
	case e.Lost:
		b.WriteString("lost its connection to ")
	default:
		fmt.Fprintf(&b, "connection attempt %d to ", e.Attempt)
	}
	b.WriteString(e.Broker)
	if !e.Lost {
		b.WriteString(" failed")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Fatal {
		b.WriteString(" (giving up)")
	} else {
		fmt.Fprintf(&b, " (retrying in %s)", e.RetryIn.Round(time.Millisecond))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// Errors the broker can answer a connection with. A *ConnectionError
// wraps them, so errors.Is tells them apart.
var (
	// ErrBrokerUnauthorized: the broker refused the API key and token
	// (CONNACK "bad user name or password" or "not authorized"). Fatal.
	ErrBrokerUnauthorized = errors.New("live: the broker refused the credentials")
	// ErrClientIDRejected: the broker refused the client ID a:{org}:{appId}
	// (CONNACK "identifier rejected"). Fatal.
	ErrClientIDRejected = errors.New("live: the broker refused the client ID")
	// ErrSubscriptionRefused: the broker refused a subscription (SUBACK
	// failure). Fatal.
	ErrSubscriptionRefused = errors.New("live: the broker refused a subscription")
	// ErrBrokerUnavailable: the broker answered "server unavailable".
	// The monitor retries.
	ErrBrokerUnavailable = errors.New("live: the broker is unavailable")
	// ErrMonitorBusy: Events was ranged over while another range over the
	// same Monitor was still running; both would use one client ID and
	// kick each other off. Build one Monitor per stream.
	ErrMonitorBusy = errors.New("live: the monitor is already streaming (one Events range at a time per Monitor)")
)

// IsTransient reports whether an error from Monitor.Events is one the
// stream goes on after: a *MessageError (a message that could not be
// decoded) or a *ConnectionError that is not Fatal (the monitor is
// reconnecting). Any other error is the last the stream yields.
func IsTransient(err error) bool {
	var me *MessageError
	if errors.As(err, &me) {
		return true
	}
	var ce *ConnectionError
	return errors.As(err, &ce) && !ce.Fatal
}

// Monitor streams the connection status of devices (and applications)
// from the platform's MQTT monitor topics. Build it with NewMonitor and
// range over Events; it connects when the range starts and disconnects
// when it ends. A Monitor streams once at a time, and its methods are safe
// for concurrent use.
type Monitor struct {
	cfg       Config
	broker    *url.URL
	brokerStr string
	clientID  string
	user      string
	pass      string
	topics    []string
	tls       *tls.Config
	logger    *slog.Logger

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
	m := &Monitor{cfg: cfg, logger: s.Logger}
	user, pass, err := basicCredentials(cfg.Auth)
	if err != nil {
		return nil, err
	}
	m.user, m.pass = user, pass
	org := cfg.OrgID
	if org == "" {
		o, ok := auth.OrgFromAPIKey(user)
		if !ok {
			return nil, iotclient.NewValidationError("Config.OrgID", "", "is required when the API key does not have the form a-{org}-{random}")
		}
		org = o
	}
	if r := monOrgReason(org); r != "" {
		return nil, iotclient.NewValidationError("Config.OrgID", org, r)
	}
	appID := cfg.AppID
	if appID == "" {
		appID = randomAppID()
	} else if r := partReason(appID); r != "" {
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
	case m.connectTimeout < 0:
		return nil, iotclient.NewValidationError("Config.ConnectTimeout", m.connectTimeout.String(), "must not be negative")
	case m.minWait < 0 || m.maxWait < m.minWait:
		return nil, iotclient.NewValidationError("Config.ReconnectWait", m.minWait.String()+".."+m.maxWait.String(), "needs 0 <= ReconnectWait <= MaxReconnectWait")
	case cfg.EventBuffer < 0:
		return nil, iotclient.NewValidationError("Config.EventBuffer", strconv.Itoa(cfg.EventBuffer), "must not be negative")
	}
	m.buffer = cfg.EventBuffer
	if m.buffer == 0 {
		m.buffer = DefaultEventBuffer
	}
	return m, nil
}

// monOrgReason returns why org is not an organization ID (1 to 36 letters
// and digits), or "".
func monOrgReason(org string) string {
	if org == "" || len(org) > 36 {
		return "must be 1 to 36 letters and digits"
	}
	for i := 0; i < len(org); i++ {
		c := org[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "must be 1 to 36 letters and digits"
		}
	}
	return ""
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// randomAppID is "iotclient-" and 16 random hex digits.
func randomAppID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "iotclient-" + hex.EncodeToString(b[:])
}

// basicCredentials reads the user name and password a credential sends as
// HTTP Basic authentication: auth.APIKey keeps its key and token to
// itself, and applying it to a throwaway request is how they are read.
func basicCredentials(c auth.Credential) (user, pass string, err error) {
	if c == nil {
		return "", "", iotclient.NewValidationError("Config.Auth", "", "is required: auth.APIKey(key, token)")
	}
	if v, ok := c.(auth.Validator); ok {
		if err := v.Validate(); err != nil {
			return "", "", err
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://monitor.invalid/", nil)
	if err := c.Apply(req, nil); err != nil {
		return "", "", err
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user == "" || pass == "" {
		return "", "", iotclient.NewValidationError("Config.Auth", "", "must be auth.APIKey(key, token): the broker takes an API key and token")
	}
	return user, pass, nil
}

// setBroker works out and validates the broker address.
func (m *Monitor) setBroker(cfg Config, org string, allowInsecure bool) error {
	const field = "Config.Broker"
	raw := cfg.Broker
	if raw == "" {
		domain := cfg.Domain
		if domain == "" {
			domain = clientstate.DefaultDomain
		}
		if !validDomainName(domain) {
			return iotclient.NewValidationError("Config.Domain", domain, "must be a host name such as "+clientstate.DefaultDomain)
		}
		raw = "ssl://" + org + ".messaging." + domain + ":" + strconv.Itoa(DefaultMessagingPort)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return iotclient.NewValidationError(field, redact.URL(raw), "must be an address such as ssl://host:8883 or tcp://127.0.0.1:1883")
	}
	if u.User != nil {
		return iotclient.NewValidationError(field, redact.URL(raw), "must not carry credentials: use Auth")
	}
	secure := false
	defaultPort := ""
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
		return iotclient.NewValidationError(field, redact.URL(raw), "has an unsupported scheme: use tcp, ssl, ws or wss")
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPort)
	}
	if !secure && !allowInsecure && !isLoopbackHost(u.Hostname()) {
		return iotclient.NewValidationError(field, u.String(), "is not encrypted and not a loopback address: the token would travel in clear (use ssl:// or wss://, or iotclient.WithInsecureCredentials)")
	}
	if secure {
		t := &tls.Config{}
		if cfg.TLSConfig != nil {
			t = cfg.TLSConfig.Clone()
		}
		if t.ServerName == "" {
			t.ServerName = u.Hostname()
		}
		if t.MinVersion < tls.VersionTLS12 {
			t.MinVersion = tls.VersionTLS12
		}
		m.tls = t
	}
	m.broker = u
	m.brokerStr = u.String()
	return nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// validDomainName accepts dot-separated labels of letters, digits and '-'.
func validDomainName(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// String describes the monitor (broker, client ID, topics) without its
// credentials.
func (m *Monitor) String() string {
	return fmt.Sprintf("live.Monitor{Broker: %q, ClientID: %q, Topics: [%s]}",
		m.brokerStr, m.clientID, strings.Join(m.topics, " "))
}

// GoString is String, so %#v cannot reveal more than %v.
func (m *Monitor) GoString() string { return m.String() }

// Format prints String for every verb, so that no verb prints the token the
// monitor holds.
func (m *Monitor) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// ClientID is the MQTT client ID the monitor connects with,
// a:{org}:{appId}.
func (m *Monitor) ClientID() string { return m.clientID }

// Broker is the broker's address, such as
// ssl://ab12cd.messaging.internetofthings.ibmcloud.com:8883.
func (m *Monitor) Broker() string { return m.brokerStr }

// Topics are the topic filters the monitor subscribes to.
func (m *Monitor) Topics() []string { return append([]string(nil), m.topics...) }

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
//     subscription), or ErrMonitorBusy, is the last thing yielded.
//
// A cancelled context ends the stream without an error.
func (m *Monitor) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if !m.busy.CompareAndSwap(false, true) {
			yield(Event{}, ErrMonitorBusy)
			return
		}
		defer m.busy.Store(false)
		m.stream(ctx, yield)
	}
}
