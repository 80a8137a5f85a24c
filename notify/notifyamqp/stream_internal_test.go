package notifyamqp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/Azure/go-amqp"
)

func testConsumer(t *testing.T, cfg Config) *consumer {
	t.Helper()
	cfg.Host = cmpOr(cfg.Host, "a1b2c3d4e5.st1.iotda-app.cn-north-4.myhuaweicloud.com")
	cfg.AccessKey = cmpOr(cfg.AccessKey, "AK7xQ2pL")
	cfg.AccessCode = cmpOr(cfg.AccessCode, "secret-code-0001")
	c, err := NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c.get()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestReconnectBackoff: failed attempts are reported as transient errors
// whose RetryIn stays under ReconnectWait·2ⁿ⁻¹ capped at
// MaxReconnectWait, and the next dial comes exactly that long after; when
// ctx ends during a wait, the stream ends at once with no goroutine left
// (synctest fails on one).
func TestReconnectBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := testConsumer(t, Config{}) // defaults: 1s up to 30s
		var dials []time.Time
		c.dial = func(context.Context, string) (net.Conn, error) {
			dials = append(dials, time.Now())
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var errs []*ConnectionError
		start := time.Now()
		for _, err := range (&Consumer{state: func() *consumer { return c }}).Notifications(ctx) {
			var ce *ConnectionError
			if !errors.As(err, &ce) || ce.Fatal || ce.Lost || !IsTransient(err) {
				t.Fatalf("want a transient failed attempt, got %v", err)
			}
			errs = append(errs, ce)
			if len(errs) == 10 {
				cancel() // during the 10th wait
			}
		}
		if len(errs) != 10 || len(dials) != 10 {
			t.Fatalf("%d errors, %d dials", len(errs), len(dials))
		}
		for i, ce := range errs {
			bound := min(time.Second<<i, 30*time.Second)
			if ce.Attempt != i+1 || ce.RetryIn < 0 || ce.RetryIn >= bound {
				t.Errorf("attempt %d: Attempt %d, RetryIn %v, want < %v", i+1, ce.Attempt, ce.RetryIn, bound)
			}
			if i > 0 {
				if gap := dials[i].Sub(dials[i-1]); gap != errs[i-1].RetryIn {
					t.Errorf("dial %d came %v after the last, want %v", i+1, gap, errs[i-1].RetryIn)
				}
			}
			if !errors.Is(ce, syscall.ECONNREFUSED) {
				t.Errorf("cause lost: %v", ce)
			}
		}
		if !strings.Contains(errs[0].Error(), "retrying in") {
			t.Errorf("error does not say what follows: %v", errs[0])
		}
		if took := time.Since(start); took != dials[9].Sub(start) {
			t.Errorf("the stream ran %v past the last dial after ctx ended", took-dials[9].Sub(start))
		}
	})
}

// TestBackoffBounds: the waits never exceed the cap, even for huge n.
func TestBackoffBounds(t *testing.T) {
	for n := 1; n < 200; n += 7 {
		if d := backoff(n, time.Second, 30*time.Second); d < 0 || d >= 30*time.Second {
			t.Fatalf("backoff(%d) = %v", n, d)
		}
	}
	if d := backoff(3, 0, 0); d != 0 {
		t.Fatalf("zero bounds: %v", d)
	}
}

// TestUserName: IoTDA's user name shape, with a millisecond timestamp of
// the dial, and the instance ID part sent empty unless told otherwise.
func TestUserName(t *testing.T) {
	at := time.UnixMilli(1733460000123)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{InstanceID: "inst-1"}, "accessKey=AK7xQ2pL|timestamp=1733460000123|instanceId=inst-1"},
		{Config{}, "accessKey=AK7xQ2pL|timestamp=1733460000123|instanceId="},
		{Config{OmitEmptyInstanceID: true}, "accessKey=AK7xQ2pL|timestamp=1733460000123"},
		{Config{InstanceID: "inst-1", OmitEmptyInstanceID: true}, "accessKey=AK7xQ2pL|timestamp=1733460000123|instanceId=inst-1"},
	} {
		if got := testConsumer(t, tc.cfg).userName(at); got != tc.want {
			t.Errorf("userName = %q, want %q", got, tc.want)
		}
	}
}

// TestClassify: what is fatal, and that no cause shows the credential.
func TestClassify(t *testing.T) {
	c := testConsumer(t, Config{AccessKey: "AKsecret", AccessCode: "CODEsecret"})
	user := c.userName(time.Now())
	for _, tc := range []struct {
		name    string
		err     error
		attempt bool
		fatal   bool
		is      error
	}{
		{"SASL auth", fmt.Errorf("SASL PLAIN auth failed with code 0x1: user %s", user), true, true, ErrAuthentication},
		{"SASL sys-temp", errors.New("SASL PLAIN auth failed with code 0x4: "), true, false, nil},
		{"queue refused", &amqp.LinkError{RemoteErr: &amqp.Error{Condition: amqp.ErrCondUnauthorizedAccess, Description: "access to queue 'Q' refused for user '" + user + "'"}}, true, true, ErrQueueRefused},
		{"no such queue", &amqp.Error{Condition: amqp.ErrCondNotFound, Description: "no queue"}, true, true, ErrQueueRefused},
		{"forced close on a live link", &amqp.ConnError{RemoteErr: &amqp.Error{Condition: amqp.ErrCondConnectionForced, Description: "broker shutdown, CODEsecret"}}, false, false, nil},
		{"not-found on a live link", &amqp.Error{Condition: amqp.ErrCondNotFound}, false, false, nil},
		{"network", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, false, false, syscall.ECONNRESET},
	} {
		cause, fatal := c.classify(tc.err, tc.attempt)
		if fatal != tc.fatal {
			t.Errorf("%s: fatal %v, want %v (%v)", tc.name, fatal, tc.fatal, cause)
		}
		if tc.is != nil && !errors.Is(cause, tc.is) {
			t.Errorf("%s: %v does not match %v", tc.name, cause, tc.is)
		}
		for _, s := range []string{"AKsecret", "CODEsecret"} {
			if strings.Contains(cause.Error(), s) {
				t.Errorf("%s: cause shows %q: %v", tc.name, s, cause)
			}
		}
	}
}
