package live

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// disconnectQuiesce bounds a clean MQTT disconnect, in milliseconds.
const disconnectQuiesce = 2000

// monItem is an event, an error, or (info set) a new connection, handed in
// stream order to the goroutine ranging over Events.
type monItem struct {
	ev   Event
	err  error
	info *ConnectInfo
}

// stream runs one Events range: run keeps the connection in a goroutine
// and hands items over; stream returns only once run (and so its MQTT
// client) has stopped.
func (m *monitor) stream(parent context.Context, yield func(Event, error) bool) {
	ctx, cancel := context.WithCancel(parent)
	items := make(chan monItem, m.cfg.EventBuffer)
	var wg sync.WaitGroup
	wg.Go(func() { m.run(ctx, items) })
	defer func() {
		cancel()
		wg.Wait()
	}()
	for {
		var it monItem
		select {
		case <-ctx.Done():
			return
		case it = <-items:
		}
		switch {
		case it.info != nil:
			if m.cfg.OnConnect != nil {
				m.cfg.OnConnect(*it.info)
			}
		case !yield(it.ev, it.err), it.err != nil && !IsTransient(it.err):
			return // run gives up after a fatal error: it is the last item
		}
	}
}

// run connects, waits for the connection to end, and reconnects with
// backoff until ctx is done or an attempt fails for good.
func (m *monitor) run(ctx context.Context, items chan<- monItem) {
	var (
		attempts int // consecutive failed attempts since the last connection
		streak   int // consecutive failed attempts and short-lived connections: drives the backoff
		conns    int // connections made
	)
	for ctx.Err() == nil {
		c, err := m.connect(ctx, items, conns+1)
		if ctx.Err() != nil {
			if c != nil {
				c.close()
			}
			return
		}
		var ce *ConnectionError
		if err != nil {
			attempts++
			ce = &ConnectionError{Broker: m.brokerShown, Attempt: attempts, Err: err, Fatal: fatalConnectError(err)}
		} else {
			conns++
			attempts = 0
			up := time.Now()
			m.logger.InfoContext(ctx, "live: monitor connected", "broker", m.brokerShown, "clientID", m.clientID, "connection", conns)
			select {
			case <-ctx.Done():
				c.close()
				return
			case lost := <-c.lost:
				if time.Since(up) >= m.cfg.MaxReconnectWait {
					streak = 0 // it was up long enough: start the backoff over
				}
				ce = &ConnectionError{Broker: m.brokerShown, Lost: true, Err: lost}
			}
		}
		streak++
		if !ce.Fatal {
			ce.RetryIn = m.backoff(streak)
		}
		m.logger.WarnContext(ctx, ce.Error())
		select {
		case items <- monItem{err: ce}:
		case <-ctx.Done():
			return
		}
		if ce.Fatal {
			return
		}
		select {
		case <-time.After(ce.RetryIn):
		case <-ctx.Done():
			return
		}
	}
}

// backoff is the full-jitter wait before the n-th consecutive attempt, below
// min(maxWait, minWait·2ⁿ⁻¹). The doubling stops at maxWait so that huge
// waits neither overflow to zero nor panic in rand.N.
func (m *monitor) backoff(n int) time.Duration {
	d := m.cfg.ReconnectWait
	for i := 1; i < n && d < m.cfg.MaxReconnectWait; i++ {
		d = min(d, m.cfg.MaxReconnectWait/2) * 2
	}
	if d = min(d, m.cfg.MaxReconnectWait); d <= 0 {
		return 0
	}
	return rand.N(d)
}

// monConn is one MQTT connection.
type monConn struct {
	client    mqtt.Client
	lost      chan error    // the connection dropped (buffered: one value)
	ready     chan struct{} // closed once the connection is announced: messages may follow
	abort     chan struct{} // closed when the connection is abandoned
	closeOnce sync.Once
	mu        sync.Mutex
	stopWatch func() bool // stops closing the socket when ctx ends
}

// close disconnects cleanly, once the client's goroutines have stopped (or
// disconnectQuiesce has passed).
func (c *monConn) close() {
	c.closeOnce.Do(func() {
		close(c.abort)
		c.client.Disconnect(disconnectQuiesce)
	})
}

// connect makes one connection (TCP, TLS, MQTT handshake, subscriptions)
// and announces it, after which its messages follow.
func (m *monitor) connect(ctx context.Context, items chan<- monItem, n int) (*monConn, error) {
	c := &monConn{
		lost:  make(chan error, 1),
		ready: make(chan struct{}),
		abort: make(chan struct{}),
	}
	opts := mqtt.NewClientOptions().
		AddBroker(m.broker.String()).
		SetClientID(m.clientID).
		SetUsername(m.user).
		SetPassword(m.pass).
		SetProtocolVersion(4).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetOrderMatters(true).
		SetKeepAlive(m.cfg.KeepAlive).
		SetPingTimeout(min(m.cfg.KeepAlive, 10*time.Second)).
		SetConnectTimeout(m.cfg.ConnectTimeout).
		SetWriteTimeout(m.cfg.ConnectTimeout).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			if err == nil {
				err = errors.New("connection closed")
			}
			select {
			case c.lost <- err:
			default:
			}
		})
	// Every connection is read through capConn, which bounds a message.
	switch m.broker.Scheme {
	case "tcp", "ssl":
		opts.SetCustomOpenConnectionFn(func(u *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
			conn, err := m.dial(ctx, c, u)
			if err != nil {
				return nil, err
			}
			return newCapConn(conn, m.cfg.MaxMessageSize), nil
		})
	default: // ws, wss: paho's own WebSocket dialer
		opts.SetCustomOpenConnectionFn(func(u *url.URL, o mqtt.ClientOptions) (net.Conn, error) {
			conn, err := mqtt.NewWebsocket(u.String(), m.tls, o.ConnectTimeout, o.HTTPHeaders, o.WebsocketOptions)
			if err != nil {
				return nil, err
			}
			return newCapConn(conn, m.cfg.MaxMessageSize), nil
		})
	}
	c.client = mqtt.NewClient(opts)

	tok := c.client.Connect()
	select {
	case <-tok.Done():
	case <-ctx.Done():
		// dial's watch closes the socket, which ends the handshake.
		<-tok.Done()
		c.close()
		return nil, ctx.Err()
	}
	c.mu.Lock()
	if c.stopWatch != nil {
		// From now on ctx ends the connection with a clean disconnect.
		c.stopWatch()
	}
	c.mu.Unlock()
	if err := tok.Error(); err != nil {
		if sentinel, ok := connackErrors[tok.(*mqtt.ConnectToken).ReturnCode()]; ok {
			err = fmt.Errorf("%w: %v", sentinel, err)
		}
		return nil, err
	}

	handler := func(_ mqtt.Client, msg mqtt.Message) {
		ev, err := m.parseMessage(msg)
		select {
		case <-c.ready: // the ConnectInfo goes first
		case <-c.abort:
			return
		case <-ctx.Done():
			return
		}
		select {
		case items <- monItem{ev: ev, err: err}:
		case <-c.abort:
		case <-ctx.Done():
		}
	}
	filters := make(map[string]byte, len(m.topics))
	for _, t := range m.topics {
		filters[t] = 0 // the platform publishes status at QoS 0
	}
	st := c.client.SubscribeMultiple(filters, handler)
	select {
	case <-st.Done():
	case <-ctx.Done():
		c.close()
		return nil, ctx.Err()
	}
	if err := st.Error(); err != nil {
		c.close()
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	for _, t := range m.topics {
		if code, ok := st.(*mqtt.SubscribeToken).Result()[t]; !ok || code >= 0x80 {
			c.close()
			return nil, fmt.Errorf("%w: %s", ErrSubscriptionRefused, t)
		}
	}
	info := ConnectInfo{Connection: n, Broker: m.brokerShown, ClientID: m.clientID, Topics: slices.Clone(m.topics)}
	select {
	case items <- monItem{info: &info}:
		close(c.ready)
	case <-ctx.Done():
		c.close()
		return nil, ctx.Err()
	}
	return c, nil
}

// dial opens TCP (and TLS for ssl://) for paho, bounded by the connect
// timeout and ctx; until the handshake is over, ctx ending closes the socket.
func (m *monitor) dial(ctx context.Context, c *monConn, u *url.URL) (net.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, m.cfg.ConnectTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if m.tls != nil {
		tc := tls.Client(conn, m.tls)
		if err := tc.HandshakeContext(dctx); err != nil {
			_ = conn.Close()
			return nil, err
		}
		conn = tc
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	c.mu.Lock()
	c.stopWatch = stop
	c.mu.Unlock()
	return conn, nil
}
