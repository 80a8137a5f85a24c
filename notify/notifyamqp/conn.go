package notifyamqp

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/Azure/go-amqp"
)

// closeTimeout bounds ending a session cleanly before its connection closes.
const closeTimeout = 2 * time.Second

// link is one connection to the broker with its session and receiver.
type link struct {
	conn *amqp.Conn
	sess *amqp.Session
	rcv  *amqp.Receiver
	// received counts the messages of the current credit grant: a new grant
	// is made only once all of it arrived and was settled (see grant).
	received int
}

// dialTCP opens the TCP connection TLS runs over.
func (c *consumer) dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// connect makes one connection: TCP, then the TLS handshake, which verifies
// the server's certificate before a byte of AMQP (and so of the credential)
// is sent, then SASL PLAIN with a user name built for this dial, the AMQP
// open with the hostname "default" (IoTDA's vhost), a session, and the
// receiver at once (IoTDA closes a connection with no receiver after 15 s).
func (c *consumer) connect(ctx context.Context) (*link, error) {
	if c.cfg.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.ConnectTimeout)
		defer cancel()
	}
	raw, err := c.dial(ctx, c.addr)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(raw, c.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	if c.cfg.InsecureSkipServerVerification {
		c.logger.WarnContext(ctx, "notifyamqp: the server certificate was NOT verified (InsecureSkipServerVerification): the access code and notifications may go to anyone on the path", "address", c.addr)
	}
	conn, err := amqp.NewConn(ctx, tc, &amqp.ConnOptions{
		SASLType:    amqp.SASLTypePlain(c.userName(time.Now()), c.cfg.AccessCode),
		HostName:    "default",
		Properties:  map[string]any{"vhost": "default"},
		IdleTimeout: c.cfg.IdleTimeout,
	})
	if err != nil {
		return nil, err // NewConn closed tc
	}
	l := &link{conn: conn}
	if l.sess, err = conn.NewSession(ctx, nil); err != nil {
		_ = conn.Close()
		return nil, err
	}
	// Credit -1: the consumer grants credit itself (grant), never while
	// messages of the last grant are on the way. RabbitMQ 3.10 miscounts
	// credit granted while deliveries are in flight and sends more than
	// allowed, which wraps go-amqp's counter and stalls the link for good.
	l.rcv, err = l.sess.NewReceiver(ctx, c.cfg.Queue, &amqp.ReceiverOptions{
		Credit:     -1,
		Durability: amqp.DurabilityUnsettledState, // as Huawei's Go sample
	})
	if err == nil {
		err = l.rcv.IssueCredit(uint32(c.cfg.Credit))
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return l, nil
}

// settled counts a message as settled, and grants the next batch of credit
// once the whole last grant has arrived and been settled.
func (l *link) settled(credit int) error {
	l.received++
	if l.received < credit {
		return nil
	}
	l.received = 0
	return l.rcv.IssueCredit(uint32(credit))
}

// close ends the session before closing the connection: RabbitMQ 3.10
// applies accepts asynchronously, and a connection closed right after them
// can lose them (the messages would come again). The receiver link itself
// is never closed alone: RabbitMQ 3.10 answers its detach in a way go-amqp
// waits on until the deadline.
func (l *link) close() {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = l.sess.Close(ctx)
	_ = l.conn.Close()
}
