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
	win  window
	acc  *acceptor // started once the receiver is attached
	// waiting holds the messages taken from go-amqp and not handled yet,
	// from head on: see next.
	waiting []*amqp.Message
	head    int
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
	bc := newBatchConn(tc)
	conn, err := amqp.NewConn(ctx, bc, &amqp.ConnOptions{
		SASLType:    amqp.SASLTypePlain(c.userName(time.Now()), c.cfg.AccessCode),
		HostName:    "default",
		Properties:  map[string]any{"vhost": "default"},
		IdleTimeout: c.cfg.IdleTimeout,
	})
	if err != nil {
		_ = bc.Close() // NewConn closes it too, but not on every path
		return nil, err
	}
	l := &link{conn: conn}
	if l.sess, err = conn.NewSession(ctx, nil); err != nil {
		_ = conn.Close()
		return nil, err
	}
	// Credit -1: the consumer grants credit itself (see window), never
	// while messages of the last grant are on the way.
	l.rcv, err = l.sess.NewReceiver(ctx, c.cfg.Queue, &amqp.ReceiverOptions{
		Credit:     -1,
		Durability: amqp.DurabilityUnsettledState, // as Huawei's Go sample
	})
	if err == nil {
		l.win.size = c.cfg.Credit
		err = l.rcv.IssueCredit(uint32(l.win.grant(0)))
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	l.acc = startAcceptor(l.rcv, c.cfg.Credit)
	return l, nil
}

// next returns the next message to handle: the oldest one taken from
// go-amqp, else one it waits for. It is called once the last one was
// handled. While credit is on the way it first takes every message that
// has arrived, so that the window sees them and grants the next batch
// while these are handled; it grants before it waits, so a window of one
// grants again as soon as its message was handled.
func (l *link) next(ctx context.Context) (*amqp.Message, error) {
	for l.win.inFlight > 0 {
		msg := l.rcv.Prefetched()
		if msg == nil {
			break
		}
		l.waiting = append(l.waiting, msg)
		l.win.arrived()
	}
	if n := l.win.grant(len(l.waiting) - l.head); n > 0 {
		if err := l.rcv.IssueCredit(uint32(n)); err != nil {
			return nil, err
		}
	}
	if l.head == len(l.waiting) {
		l.waiting, l.head = l.waiting[:0], 0
		msg, err := l.rcv.Receive(ctx, nil)
		if err != nil {
			return nil, err
		}
		l.win.arrived()
		return msg, nil
	}
	msg := l.waiting[l.head]
	l.waiting[l.head] = nil
	l.head++
	return msg, nil
}

// close accepts the messages already handled, then ends the session
// before closing the connection: RabbitMQ 3.10 applies accepts
// asynchronously, and a connection closed right after them can lose them
// (the messages would come again). The receiver link itself is never
// closed alone: RabbitMQ 3.10 answers its detach in a way go-amqp waits on
// until the deadline.
func (l *link) close() {
	l.acc.stop()
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = l.sess.Close(ctx)
	_ = l.conn.Close()
}

// abort closes a connection that was lost: its accepts fail at once.
func (l *link) abort() {
	_ = l.conn.Close()
	l.acc.stop()
}
