// Package reconnect holds what the streams that keep a connection (the
// MQTT monitor of clientstate/live, the AMQP consumer of notify/notifyamqp)
// say alike about a connection that failed: which failures retrying cannot
// heal, and how the error reporting one reads. Each package keeps its own
// public ConnectionError type; their messages are built here so they stay
// the same.
package reconnect

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Failure is what a ConnectionError of either package holds.
type Failure struct {
	Who     string        // the stream, with its package: "live: monitor"
	Addr    string        // the peer's address as the stream shows it
	Lost    bool          // an established connection dropped (else an attempt failed)
	Attempt int           // consecutive failed attempts, this one included
	RetryIn time.Duration // the wait before the next attempt
	Fatal   bool          // the stream gives up
	Err     error         // the cause
}

// Message says what failed and what the stream does next.
func (f Failure) Message() string {
	what := fmt.Sprintf("connection attempt %d to %s failed", f.Attempt, f.Addr)
	if f.Lost {
		what = "lost its connection to " + f.Addr
	}
	next := "retrying in " + f.RetryIn.Round(time.Millisecond).String()
	if f.Fatal {
		next = "giving up"
	}
	return fmt.Sprintf("%s %s: %v (%s)", f.Who, what, f.Err, next)
}

// FatalTLS reports whether a TLS failure would meet the next attempt
// again: a certificate that does not verify, or no TLS version in common.
// That is a configuration (or an attack) to fix, not a network glitch.
func FatalTLS(err error) bool {
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
		// crypto/tls does not export its alert type; 70 is protocol_version.
		return opErr.Err.Error() == tls.AlertError(70).Error()
	}
	msg := err.Error()
	return strings.Contains(msg, "tls: no supported versions satisfy MinVersion and MaxVersion") ||
		strings.Contains(msg, "tls: server selected unsupported protocol version")
}
