package notifyamqp

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/Azure/go-amqp"

	"github.com/iotclient/iotclient-go/notify"
)

// Notifications connects and yields each notification of the queue. A
// message is accepted only once the loop body has returned for it and the
// loop goes on, never on receipt: one the body was handling when the loop
// broke, the context ended or the process died is delivered again (on the
// next connection), so nothing is lost.
//
// Duplicates and stale changes are dropped (and accepted) by the rule of
// notify.Deduplicator, as for the HTTP channel: a redelivery after a lost
// connection whose accepts did not reach the broker, or the platform's own.
// Each range has a memory of its own, so a message the body broke on, which
// the next range gets again, is not taken for a duplicate of itself.
//
// A message that is not a notification is a *notify.DocumentError, accepted
// once the body has returned. A lost connection or a failed attempt is a
// *ConnectionError; unless Fatal, the consumer reconnects with backoff, with
// a new user name, and attaches the receiver again. A Fatal
// *ConnectionError (ErrAuthentication, ErrQueueRefused, a certificate that
// does not verify) is the last item; IsTransient (or notify.IsTransient)
// tells them apart. The stream ends when ctx does (without an error) or the
// loop breaks, and returns only once its connection is closed. Ranging
// again connects again.
func (c *Consumer) Notifications(ctx context.Context) iter.Seq2[notify.Notification, error] {
	return func(yield func(notify.Notification, error) bool) {
		s := c.get()
		if s == nil {
			yield(notify.Notification{}, ErrNotBuilt)
			return
		}
		dedup, _ := notify.NewDeduplicator(notify.DedupOptions{})
		s.run(ctx, func(msg *amqp.Message) bool {
			n, err := decode(msg)
			if err == nil && !dedup.Keep(&n) {
				return true // a duplicate or a stale change: accepted, not yielded
			}
			return yield(n, err)
		}, func(err error) bool { return yield(notify.Notification{}, err) })
	}
}

// Consume calls handle for each notification of the queue (see
// Notifications), and accepts the message when handle returns nil. When
// handle returns an error, the message is not accepted and Consume returns a
// *HandlerError: the broker delivers the message again on the next
// connection. Transient errors are logged (iotclient.WithLogger) and
// Consume goes on; it returns nil when ctx ends, or the fatal error that
// ended the stream.
func (c *Consumer) Consume(ctx context.Context, handle func(context.Context, notify.Notification) error) error {
	for n, err := range c.Notifications(ctx) {
		if err != nil {
			if IsTransient(err) {
				c.get().logger.WarnContext(ctx, err.Error())
				continue
			}
			return err
		}
		if err := handle(ctx, n); err != nil {
			return &HandlerError{Err: err}
		}
	}
	return nil
}

// decode reads a message's body (its data sections, else a string or
// binary amqp-value: which one IoTDA sends is unconfirmed) as a document.
func decode(msg *amqp.Message) (notify.Notification, error) {
	var body []byte
	switch v := msg.Value.(type) {
	case string:
		body = []byte(v)
	case []byte:
		body = v
	}
	if len(msg.Data) == 1 {
		body = msg.Data[0]
	} else if len(msg.Data) > 1 {
		body = nil
		for _, d := range msg.Data {
			body = append(body, d...)
		}
	}
	if body == nil {
		return notify.Notification{}, &notify.DocumentError{Err: errors.New("the AMQP message has no data section and no string or binary value")}
	}
	return notify.Decode(body)
}

// run keeps a connection and hands each message to handle, accepting it
// when handle says so; report hands a *ConnectionError to the stream. It
// reconnects with backoff until ctx ends, handle or report says stop, or an
// error is fatal.
func (c *consumer) run(ctx context.Context, handle func(*amqp.Message) bool, report func(error) bool) {
	var (
		attempts int // consecutive failed attempts since the last connection
		streak   int // consecutive failed attempts and short-lived connections: drives the backoff
		conns    int // connections made
		l        *link
	)
	defer func() {
		// Also when the loop body panics: no connection outlives the stream.
		if l != nil {
			l.close()
		}
	}()
	for ctx.Err() == nil {
		var err error
		l, err = c.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		var ce *ConnectionError
		if err != nil {
			attempts++
			cause, fatal := c.classify(err, true)
			ce = &ConnectionError{Address: c.addr, Attempt: attempts, Err: cause, Fatal: fatal}
		} else {
			conns++
			attempts = 0
			up := time.Now()
			c.logger.InfoContext(ctx, "notifyamqp: consumer connected", "address", c.addr, "queue", c.cfg.Queue, "connection", conns)
			if c.cfg.OnConnect != nil {
				c.cfg.OnConnect(ConnectInfo{Connection: conns, Address: c.addr, Queue: c.cfg.Queue})
			}
			lost := c.receive(ctx, l, handle)
			if lost == nil {
				return
			}
			l.abort()
			l = nil
			if time.Since(up) >= c.cfg.MaxReconnectWait {
				streak = 0 // it was up long enough: start the backoff over
			}
			cause, fatal := c.classify(lost, false)
			ce = &ConnectionError{Address: c.addr, Lost: true, Err: cause, Fatal: fatal}
		}
		streak++
		if !ce.Fatal {
			ce.RetryIn = backoff(streak, c.cfg.ReconnectWait, c.cfg.MaxReconnectWait)
		}
		c.logger.WarnContext(ctx, ce.Error())
		if !report(ce) || ce.Fatal {
			return
		}
		t := time.NewTimer(ce.RetryIn)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// receive hands the link's messages to handle until ctx ends or handle says
// stop (nil), or the link fails (its error). A message handle took is
// accepted even when ctx ended meanwhile: it was handled.
func (c *consumer) receive(ctx context.Context, l *link, handle func(*amqp.Message) bool) error {
	for {
		msg, err := l.next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !handle(msg) {
			return nil
		}
		err = l.acc.push(msg)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// backoff is the full-jitter wait before the n-th consecutive attempt,
// below min(maxWait, minWait·2ⁿ⁻¹). The doubling stops at maxWait, so that
// huge waits neither overflow nor panic in rand.N.
func backoff(n int, minWait, maxWait time.Duration) time.Duration {
	d := minWait
	for i := 1; i < n && d < maxWait; i++ {
		d = min(d, maxWait/2) * 2
	}
	if d = min(d, maxWait); d <= 0 {
		return 0
	}
	return rand.N(d)
}
