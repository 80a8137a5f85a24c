package live

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Monitor streams the connection status of devices (and applications)
// from the platform's MQTT monitor topics. Build it with NewMonitor and
// range over Events. Its methods are safe for concurrent use; a Monitor not
// built by NewMonitor yields ErrMonitorNotBuilt.
type Monitor struct {
	// A function rather than a pointer: fmt prints a nested pointer to a
	// struct in full (token and TLS keys included) where it cannot call
	// Format, but a function only as an address.
	state func() *monitor
}

type monitor struct {
	cfg         Config
	broker      *url.URL
	brokerShown string // broker without its query: for String, logs and errors
	clientID    string
	user, pass  string
	topics      []string
	tls         *tls.Config
	logger      *slog.Logger
	busy        atomic.Bool
}

// NewMonitor validates cfg and builds a monitor; it sends nothing. Of the
// options, iotclient.WithLogger and iotclient.WithInsecureCredentials
// apply; any other (WithRetry, WithRateLimit, WithAttemptTimeout, ...)
// concerns HTTP requests, which a monitor never sends, and is refused
// rather than silently ignored. Invalid input is a
// *iotclient.ValidationError naming the field or the option.
func NewMonitor(cfg Config, opts ...iotclient.Option) (*Monitor, error) {
	s := core.Settings(opts)
	if err := s.Err(); err != nil {
		return nil, err
	}
	for _, name := range s.Applied {
		if !slices.Contains(monitorOptions, name) {
			return nil, invalid.Field(name, "", "does not apply to a live.Monitor, which sends no HTTP request: only WithLogger and WithInsecureCredentials do")
		}
	}
	cfg.KeepAlive = cmp.Or(cfg.KeepAlive, DefaultKeepAlive)
	cfg.ConnectTimeout = cmp.Or(cfg.ConnectTimeout, DefaultConnectTimeout)
	cfg.ReconnectWait = cmp.Or(cfg.ReconnectWait, DefaultReconnectWait)
	cfg.MaxReconnectWait = cmp.Or(cfg.MaxReconnectWait, DefaultMaxReconnectWait)
	cfg.EventBuffer = cmp.Or(cfg.EventBuffer, DefaultEventBuffer)
	cfg.MaxMessageSize = cmp.Or(cfg.MaxMessageSize, DefaultMaxMessageSize)
	m := &monitor{cfg: cfg, logger: cmp.Or(s.Logger, slog.New(slog.DiscardHandler))}
	var err error
	if m.user, m.pass, err = basicCredentials(cfg.Auth); err != nil {
		return nil, err
	}
	org, err := ibmorg.Resolve("Config.OrgID", cfg.OrgID, cfg.Auth)
	if err != nil {
		return nil, err
	}
	if r := idReason("a:"+org, "+"); r != "" {
		return nil, invalid.Field("Config.OrgID", org, r)
	}
	appID := cfg.AppID
	if appID == "" {
		appID = randomAppID()
	} else if r := idReason("a:o:" + appID); r != "" {
		return nil, invalid.Field("Config.AppID", appID, r)
	}
	m.clientID = "a:" + org + ":" + appID
	if err := m.setBroker(cfg, org, s.AllowInsecure); err != nil {
		return nil, err
	}

	subs := cfg.Subscriptions
	if len(subs) == 0 {
		subs = []Subscription{DeviceStatus("+", "+")}
	}
	for i, sub := range subs {
		field := "Config.Subscriptions[" + strconv.Itoa(i) + "]"
		switch {
		case sub.topic == "":
			return nil, invalid.Field(field, "", "is empty: build subscriptions with DeviceStatus or AppStatus")
		case sub.err != "":
			return nil, invalid.Field(field, sub.topic, sub.err)
		case !slices.Contains(m.topics, sub.topic):
			m.topics = append(m.topics, sub.topic)
		}
	}

	switch {
	case cfg.KeepAlive < time.Second:
		return nil, invalid.Field("Config.KeepAlive", cfg.KeepAlive.String(), "must be at least 1s (MQTT counts it in seconds)")
	case cfg.KeepAlive > MaxKeepAlive:
		// A larger value would wrap in CONNECT's 16-bit field (65536s is 0: no keepalive).
		return nil, invalid.Field("Config.KeepAlive", cfg.KeepAlive.String(), "must be at most "+MaxKeepAlive.String()+" (MQTT's 16-bit keepalive in seconds)")
	case cfg.ConnectTimeout < 0:
		return nil, invalid.Field("Config.ConnectTimeout", cfg.ConnectTimeout.String(), "must not be negative")
	case cfg.ReconnectWait < 0 || cfg.MaxReconnectWait < cfg.ReconnectWait:
		return nil, invalid.Field("Config.ReconnectWait", cfg.ReconnectWait.String()+".."+cfg.MaxReconnectWait.String(), "needs 0 <= ReconnectWait <= MaxReconnectWait")
	case cfg.EventBuffer < 0 || cfg.EventBuffer > MaxEventBuffer:
		// The buffer is allocated whole when a range starts: an absurd size would panic in make.
		return nil, invalid.Field("Config.EventBuffer", strconv.Itoa(cfg.EventBuffer), "must be 0 to "+strconv.Itoa(MaxEventBuffer))
	case cfg.MaxMessageSize < 1024 || cfg.MaxMessageSize > MaxMessageSizeLimit:
		return nil, invalid.Field("Config.MaxMessageSize", strconv.Itoa(cfg.MaxMessageSize),
			"must be 1024 to "+strconv.Itoa(MaxMessageSizeLimit)+" (MQTT's largest packet; 0 means "+strconv.Itoa(DefaultMaxMessageSize)+")")
	}
	return &Monitor{state: func() *monitor { return m }}, nil
}

// monitorOptions are the names of the client options a Monitor uses.
var monitorOptions = []string{"WithLogger", "WithInsecureCredentials"}

// notBuilt stands for what a Monitor not built by NewMonitor holds.
var notBuilt = &monitor{broker: &url.URL{}}

func (m *Monitor) get() *monitor {
	if m == nil || m.state == nil {
		return notBuilt
	}
	return m.state()
}

// String describes the monitor (broker, client ID, topics) without its
// credentials.
func (m *Monitor) String() string {
	s := m.get()
	if s == notBuilt {
		return "live.Monitor{} (not built by NewMonitor)"
	}
	return fmt.Sprintf("live.Monitor{Broker: %q, ClientID: %q, Topics: [%s]}",
		s.brokerShown, s.clientID, strings.Join(s.topics, " "))
}

// Format prints String for every verb (%#v included, and slog's text
// handler), so none prints the token.
func (m *Monitor) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// MarshalJSON encodes String as a JSON string.
func (m *Monitor) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// ClientID is the MQTT client ID the monitor connects with, a:{org}:{appId}.
func (m *Monitor) ClientID() string { return m.get().clientID }

// Broker is the broker's address, such as
// ssl://ab12cd.messaging.internetofthings.ibmcloud.com:8883, with any query.
func (m *Monitor) Broker() string { return m.get().broker.String() }

// Topics are the topic filters the monitor subscribes to.
func (m *Monitor) Topics() []string { return slices.Clone(m.get().topics) }

// Events connects, subscribes, and yields each status message in the
// broker's order: first the subscribed topics' retained state (Retained
// true), then live changes. It runs until ctx is done (ending without an
// error) or the loop breaks, then disconnects, and returns only once every
// goroutine it started has ended. Ranging again connects again.
//
// A *MessageError (an undecodable message) and a *ConnectionError (a lost
// connection or failed attempt, after which the monitor reconnects with
// backoff and resubscribes) do not end the stream; a Fatal
// *ConnectionError, ErrMonitorBusy or ErrMonitorNotBuilt is the last item.
func (m *Monitor) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		mon := m.get()
		if mon == notBuilt {
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
