package reconnect_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/internal/reconnect"
)

func TestFailureMessage(t *testing.T) {
	cause := errors.New("connection refused")
	for _, tc := range []struct {
		f    reconnect.Failure
		want string
	}{
		{reconnect.Failure{Who: "live: monitor", Addr: "ssl://b:8883", Attempt: 3, RetryIn: 1500*time.Millisecond + 300*time.Microsecond, Err: cause},
			"live: monitor connection attempt 3 to ssl://b:8883 failed: connection refused (retrying in 1.5s)"},
		{reconnect.Failure{Who: "notifyamqp: consumer", Addr: "h:5671", Lost: true, Err: cause},
			"notifyamqp: consumer lost its connection to h:5671: connection refused (retrying in 0s)"},
		{reconnect.Failure{Who: "w", Addr: "a", Attempt: 1, Fatal: true, RetryIn: time.Second, Err: cause},
			"w connection attempt 1 to a failed: connection refused (giving up)"},
	} {
		if got := tc.f.Message(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestFatalTLS(t *testing.T) {
	for _, tc := range []struct {
		err   error
		fatal bool
	}{
		{x509.UnknownAuthorityError{}, true},
		{fmt.Errorf("dial: %w", &tls.CertificateVerificationError{Err: x509.HostnameError{}}), true},
		{x509.CertificateInvalidError{Reason: x509.Expired}, true},
		{&net.OpError{Op: "remote error", Err: tls.AlertError(70)}, true},
		{errors.New("tls: no supported versions satisfy MinVersion and MaxVersion"), true},
		{&net.OpError{Op: "remote error", Err: tls.AlertError(40)}, false},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, false},
		{errors.New("EOF"), false},
	} {
		if got := reconnect.FatalTLS(tc.err); got != tc.fatal {
			t.Errorf("FatalTLS(%v) = %v, want %v", tc.err, got, tc.fatal)
		}
	}
}
