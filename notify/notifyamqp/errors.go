package notifyamqp

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/go-amqp"

	"github.com/iotclient/iotclient-go/internal/reconnect"
	"github.com/iotclient/iotclient-go/notify"
)

// ConnectionError reports a failed connection attempt or a lost connection.
// Unless Fatal, the consumer retries after RetryIn, and the broker delivers
// again every message that was not accepted, so nothing is lost. Fatal
// errors end the stream: the access code was refused (ErrAuthentication),
// the queue was refused (ErrQueueRefused), or TLS failed in a way retrying
// cannot heal (errors.As finds the TLS or x509 cause).
type ConnectionError struct {
	Address string        // host:port
	Lost    bool          // an established connection dropped (else an attempt failed)
	Attempt int           // consecutive failed attempts, this one included (0 when Lost)
	RetryIn time.Duration // the wait before the next attempt
	Fatal   bool          // the consumer gives up
	Err     error         // the cause, without the credential
}

// Error says what failed and what the consumer does next.
func (e *ConnectionError) Error() string {
	return reconnect.Failure{Who: "notifyamqp: consumer", Addr: e.Address, Lost: e.Lost, Attempt: e.Attempt, RetryIn: e.RetryIn, Fatal: e.Fatal, Err: e.Err}.Message()
}

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// Transient reports whether the stream goes on after the error (it is not
// Fatal), for notify.IsTransient, which any stream's consumer may use.
func (e *ConnectionError) Transient() bool { return !e.Fatal }

// The refusals a fatal *ConnectionError wraps.
var (
	// ErrAuthentication: the broker refused the access key and code (SASL
	// PLAIN), as IoTDA does once a new access credential was generated
	// elsewhere, or when the clock is more than five minutes off.
	ErrAuthentication = errors.New("notifyamqp: the broker refused the access credential (was a new access code generated, or is the clock more than 5 minutes off?)")
	// ErrQueueRefused: the broker refused to attach the receiver to the
	// queue (no such queue, or not this credential's).
	ErrQueueRefused = errors.New("notifyamqp: the broker refused the queue")
	// ErrNotBuilt: a stream of a nil or zero Consumer.
	ErrNotBuilt = errors.New("notifyamqp: the Consumer was not built by NewConsumer")
)

// HandlerError reports a notification Consume's handler failed on. The
// message was not accepted: the broker delivers it again on the next
// connection.
type HandlerError struct {
	Err error // what the handler returned
}

// Error wraps the handler's error.
func (e *HandlerError) Error() string {
	return "notifyamqp: handler failed; the message was not accepted and comes again: " + e.Err.Error()
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// IsTransient reports whether the stream goes on after err: a
// *notify.DocumentError (a message that is not a notification), or a
// *ConnectionError that is not Fatal. Any other error is the stream's last,
// so a loop may skip transient errors (continue) and return the others.
// It is notify.IsTransient, which knows both.
func IsTransient(err error) bool { return notify.IsTransient(err) }

// saslCode reads the outcome code from go-amqp's SASL failure, which is only
// text: "SASL PLAIN auth failed with code 0x1: …".
var saslCode = regexp.MustCompile(`^SASL PLAIN auth failed with code (0x[0-9a-f]+)`)

// classify turns an attempt's or a lost connection's error into a cause
// without the credential and says whether it is fatal. TLS and network
// errors are kept as they are (they carry no secret, and callers may
// errors.As them); go-amqp's become text, with the credential replaced.
func (c *consumer) classify(err error, attempt bool) (cause error, fatal bool) {
	if reconnect.FatalTLS(err) {
		return err, true
	}
	var (
		opErr  *net.OpError
		tlsRec tls.RecordHeaderError
		amqErr *amqp.Error
	)
	if errors.As(err, &opErr) || errors.As(err, &tlsRec) {
		return err, false
	}
	text := c.scrub(err.Error())
	if m := saslCode.FindStringSubmatch(err.Error()); m != nil {
		// Code 1 (auth) is the credential; 2 to 4 are the server's own trouble.
		if m[1] == "0x1" {
			return fmt.Errorf("%w: %s", ErrAuthentication, text), true
		}
		return errors.New(text), false
	}
	if attempt && errors.As(err, &amqErr) {
		switch amqErr.Condition {
		case amqp.ErrCondUnauthorizedAccess, amqp.ErrCondNotFound, amqp.ErrCondPreconditionFailed:
			return fmt.Errorf("%w %q: %s", ErrQueueRefused, c.cfg.Queue, text), true
		}
	}
	return errors.New(text), false
}

// scrub replaces the credential in a message from the broker or go-amqp:
// RabbitMQ names the user (which holds the access key) in its refusals.
func (c *consumer) scrub(s string) string {
	for _, secret := range []string{c.cfg.AccessCode, c.cfg.AccessKey} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}
