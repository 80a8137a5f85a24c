package live

import (
	"errors"
	"fmt"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/reconnect"
)

// ConnectionError reports a failed connection attempt or a lost
// connection. Unless Fatal, the monitor retries after RetryIn and then
// delivers the topics' retained state again (but not the changes missed
// meanwhile, which MQTT does not keep). Fatal errors end the stream: the
// broker refused the credentials, client ID, protocol version or a
// subscription, or TLS failed in a way retrying cannot heal; errors.As
// still finds the TLS or x509 cause.
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
	return reconnect.Failure{Who: "live: monitor", Addr: e.Broker, Lost: e.Lost, Attempt: e.Attempt, RetryIn: e.RetryIn, Fatal: e.Fatal, Err: e.Err}.Message()
}

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// MessageError reports a status message that could not be decoded (a topic
// that is not a monitor topic, a payload that is not a status object, a
// message over Config.MaxMessageSize); the monitor goes on with the next
// message. It matches iotclient.ErrMalformedResponse.
type MessageError struct {
	Topic string // the topic the message arrived on
	// Payload is the start of the payload as received: all of it up to
	// MaxErrorPayload bytes, else its first MaxErrorPayload bytes.
	Payload []byte
	Size    int   // the whole payload's length in bytes
	Err     error // what was wrong with it
}

// Error names the topic and what was wrong.
func (e *MessageError) Error() string {
	return fmt.Sprintf("live: status message on %q: %v", e.Topic, e.Err)
}

// Unwrap returns the underlying problem.
func (e *MessageError) Unwrap() error { return e.Err }

// Is reports whether target is iotclient.ErrMalformedResponse.
func (e *MessageError) Is(target error) bool { return target == iotclient.ErrMalformedResponse }

// The broker's refusals, which a *ConnectionError wraps (all fatal but
// ErrBrokerUnavailable), the misuses Events reports, and the cause of a
// *MessageError over the size cap.
var (
	ErrBrokerUnauthorized  = errors.New("live: the broker refused the credentials") // CONNACK bad user name or password, or not authorized
	ErrClientIDRejected    = errors.New("live: the broker refused the client ID")   // CONNACK identifier rejected
	ErrSubscriptionRefused = errors.New("live: the broker refused a subscription")  // SUBACK failure
	ErrBrokerUnavailable   = errors.New("live: the broker is unavailable")          // CONNACK server unavailable: retried
	// ErrProtocolRefused: CONNACK unacceptable protocol version; the
	// broker does not take MQTT 3.1.1, which the monitor speaks.
	ErrProtocolRefused = errors.New("live: the broker refused the protocol version (MQTT 3.1.1)")
	// ErrMessageTooLarge: a status message over Config.MaxMessageSize,
	// reported as a *MessageError.
	ErrMessageTooLarge = errors.New("live: status message over Config.MaxMessageSize")
	// ErrMonitorBusy: a second range over Events while one runs; both would
	// use one client ID and kick each other off.
	ErrMonitorBusy = errors.New("live: the monitor is already streaming (one Events range at a time per Monitor)")
	// ErrMonitorNotBuilt: Events on a nil or zero Monitor.
	ErrMonitorNotBuilt = errors.New("live: the Monitor was not built by NewMonitor")
)

// IsTransient reports whether the stream of Monitor.Events goes on after
// err: a *MessageError, or a *ConnectionError that is not Fatal. Any other
// error is the stream's last, so a consumer loop may skip transient errors
// (continue) and return the others.
func IsTransient(err error) bool {
	var me *MessageError
	var ce *ConnectionError
	return errors.As(err, &me) || errors.As(err, &ce) && !ce.Fatal
}

// fatalConnectError reports whether retrying cannot help: refused
// credentials, client ID, protocol version or subscription, or a TLS
// failure the next attempt would meet again (reconnect.FatalTLS).
func fatalConnectError(err error) bool {
	return errors.Is(err, ErrBrokerUnauthorized) || errors.Is(err, ErrClientIDRejected) || errors.Is(err, ErrSubscriptionRefused) ||
		errors.Is(err, ErrProtocolRefused) || reconnect.FatalTLS(err)
}

// connackErrors maps the CONNACK refusals the package names.
var connackErrors = map[byte]error{
	packets.ErrRefusedBadProtocolVersion:    ErrProtocolRefused,
	packets.ErrRefusedBadUsernameOrPassword: ErrBrokerUnauthorized,
	packets.ErrRefusedNotAuthorised:         ErrBrokerUnauthorized,
	packets.ErrRefusedIDRejected:            ErrClientIDRejected,
	packets.ErrRefusedServerUnavailable:     ErrBrokerUnavailable,
}
