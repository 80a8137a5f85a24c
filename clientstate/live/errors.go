package live

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// ConnectionError reports a connection attempt that failed or an
// established connection that was lost. Unless Fatal, the monitor retries
// after RetryIn and the stream goes on; after a reconnect it delivers the
// retained state of the topics again, which brings any device that changed
// while the monitor was away up to date (but not the intermediate changes,
// which MQTT does not keep).
//
// Fatal errors end the stream: the broker refused the credentials, the
// client ID or a subscription, or TLS failed in a way retrying cannot heal
// (the broker's certificate did not verify, or the broker and the monitor
// share no TLS version). The cause is kept: errors.As finds the
// *tls.CertificateVerificationError or x509 error.
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
	what := fmt.Sprintf("connection attempt %d to %s failed", e.Attempt, e.Broker)
	if e.Lost {
		what = "lost its connection to " + e.Broker
	}
	next := "retrying in " + e.RetryIn.Round(time.Millisecond).String()
	if e.Fatal {
		next = "giving up"
	}
	return fmt.Sprintf("live: monitor %s: %v (%s)", what, e.Err, next)
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
	// ErrMonitorNotBuilt: Events was ranged over on a Monitor that
	// NewMonitor did not return (a nil pointer or the zero value).
	ErrMonitorNotBuilt = errors.New("live: the Monitor was not built by NewMonitor")
)

// IsTransient reports whether an error from Monitor.Events is one the
// stream goes on after: a *MessageError (a message that could not be
// decoded) or a *ConnectionError that is not Fatal (the monitor is
// reconnecting). Any other error is the last the stream yields, so a
// consumer loop may skip transient errors and stop at the others:
//
//	for ev, err := range mon.Events(ctx) {
//		if err != nil {
//			if live.IsTransient(err) {
//				continue
//			}
//			return err
//		}
//		...
//	}
func IsTransient(err error) bool {
	var me *MessageError
	if errors.As(err, &me) {
		return true
	}
	var ce *ConnectionError
	return errors.As(err, &ce) && !ce.Fatal
}

// fatalConnectError reports whether retrying cannot help.
func fatalConnectError(err error) bool {
	return errors.Is(err, ErrBrokerUnauthorized) || errors.Is(err, ErrClientIDRejected) ||
		errors.Is(err, ErrSubscriptionRefused) || tlsCannotHeal(err)
}

// tlsCannotHeal reports a TLS handshake that failed for a reason the next
// attempt would meet again: the broker's certificate does not verify
// (unknown authority, wrong name, expired), or there is no TLS version both
// sides speak. Retrying such a failure forever would hide it behind
// "retrying in ..." lines; it is a configuration (or an attack) to fix.
func tlsCannotHeal(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		opErr    *net.OpError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return true
	case errors.As(err, &opErr) && opErr.Op == "remote error" && opErr.Err != nil:
		// The broker's alert. crypto/tls does not export its alert type,
		// but its text is the one AlertError prints.
		return opErr.Err.Error() == tls.AlertError(alertProtocolVersion).Error()
	}
	// This side found no version in common (MinVersion and MaxVersion
	// exclude each other, or the broker picked one it does not allow).
	msg := err.Error()
	return strings.Contains(msg, "tls: no supported versions satisfy MinVersion and MaxVersion") ||
		strings.Contains(msg, "tls: server selected unsupported protocol version")
}

// alertProtocolVersion is the TLS alert a peer sends when it shares no
// protocol version with us (RFC 8446, section 6).
const alertProtocolVersion = 70

// connectError maps a refused CONNACK to the package's errors.
func connectError(rc byte, err error) error {
	switch rc {
	case packets.ErrRefusedBadUsernameOrPassword, packets.ErrRefusedNotAuthorised:
		return fmt.Errorf("%w: %v", ErrBrokerUnauthorized, err)
	case packets.ErrRefusedIDRejected:
		return fmt.Errorf("%w: %v", ErrClientIDRejected, err)
	case packets.ErrRefusedServerUnavailable:
		return fmt.Errorf("%w: %v", ErrBrokerUnavailable, err)
	}
	return err
}
