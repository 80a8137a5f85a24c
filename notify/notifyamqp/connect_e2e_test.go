package notifyamqp_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/amqptest"
	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// TestWrongAccessCodeIsFatal: a refused access code (regenerated
// elsewhere) ends the stream at once with a fatal error that names the
// cause and holds neither the access code nor the access key.
func TestWrongAccessCodeIsFatal(t *testing.T) {
	b := needBroker(t)
	cfg := b.config()
	cfg.AccessCode = "Wr0ng-Acc3ss-C0de-77aa"
	c := newConsumer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	var errs []error
	for _, err := range c.Notifications(ctx) {
		if err == nil {
			t.Fatal("a notification with a wrong access code")
		}
		errs = append(errs, err)
	}
	if ctx.Err() != nil {
		t.Fatal("the stream ran until the deadline instead of ending")
	}
	if len(errs) != 1 {
		t.Fatalf("want exactly one (fatal) error, got %v", errs)
	}
	err := errs[0]
	var ce *notifyamqp.ConnectionError
	if !errors.As(err, &ce) || !ce.Fatal || notifyamqp.IsTransient(err) || notify.IsTransient(err) {
		t.Fatalf("want a fatal *ConnectionError, got %#v", err)
	}
	if !errors.Is(err, notifyamqp.ErrAuthentication) {
		t.Fatalf("error does not match ErrAuthentication: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "access code") || !strings.Contains(msg, "giving up") {
		t.Errorf("error does not name the cause and what happens: %s", msg)
	}
	for _, secret := range []string{cfg.AccessCode, testAccessKey, testAccessCode} {
		if strings.Contains(msg, secret) {
			t.Errorf("error shows a secret %q: %s", secret, msg)
		}
	}
}

// relay forwards TCP connections to the broker and keeps what each client
// sent, to see which TLS records went out.
type relay struct {
	ln    net.Listener
	mu    sync.Mutex
	sent  [][]byte   // per connection: the client's bytes
	socks []net.Conn // both ends of every connection
	wg    sync.WaitGroup
}

func newRelay(t *testing.T, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln}
	r.wg.Go(func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			r.mu.Lock()
			i := len(r.sent)
			r.sent = append(r.sent, nil)
			r.socks = append(r.socks, in, out)
			r.mu.Unlock()
			r.wg.Go(func() { _, _ = io.Copy(in, out); _ = in.Close() })
			r.wg.Go(func() {
				buf := make([]byte, 32<<10)
				for {
					n, err := in.Read(buf)
					if n > 0 {
						r.mu.Lock()
						r.sent[i] = append(r.sent[i], buf[:n]...)
						r.mu.Unlock()
						_, _ = out.Write(buf[:n])
					}
					if err != nil {
						_ = out.Close()
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() { _ = ln.Close(); r.wg.Wait() })
	return r
}

// recordTypes lists the TLS record content types connection i's client
// sent: 22 handshake, 21 alert, 20 change cipher spec, 23 application data.
func (r *relay) recordTypes(t *testing.T, i int) []byte {
	t.Helper()
	r.mu.Lock()
	b := append([]byte(nil), r.sent[i]...)
	r.mu.Unlock()
	var types []byte
	for len(b) >= 5 {
		types = append(types, b[0])
		n := int(binary.BigEndian.Uint16(b[3:5]))
		if len(b) < 5+n {
			break
		}
		b = b[5+n:]
	}
	return types
}

// cut drops every connection, as a network failure would.
func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.socks {
		_ = c.Close()
	}
}

func (r *relay) conns() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// TestUntrustedCertificateRefusedBeforeCredential: a server certificate
// that does not verify ends the stream with a fatal error, and the client
// sent no application data (so no SASL, no access code) on that
// connection. The same relay with the test CA trusted shows application
// data does flow when the certificate verifies.
func TestUntrustedCertificateRefusedBeforeCredential(t *testing.T) {
	b := needBroker(t)
	b.empty(t) // the trusted streams below must find nothing to yield
	r := newRelay(t, b.host)
	cfg := b.config()
	cfg.Host = r.ln.Addr().String()
	cfg.TLSConfig = nil // the system's roots: the test CA is not among them
	c := newConsumer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	var errs []error
	for _, err := range c.Notifications(ctx) {
		errs = append(errs, err)
	}
	if len(errs) != 1 {
		t.Fatalf("want one fatal error, got %v", errs)
	}
	var ce *notifyamqp.ConnectionError
	var unknown x509.UnknownAuthorityError
	if !errors.As(errs[0], &ce) || !ce.Fatal || !errors.As(errs[0], &unknown) {
		t.Fatalf("want a fatal *ConnectionError from an unknown authority, got %v", errs[0])
	}
	if n := r.conns(); n != 1 {
		t.Fatalf("%d connections, want 1 (no retry)", n)
	}
	if types := r.recordTypes(t, 0); len(types) == 0 || strings.ContainsRune(string(types), 23) {
		t.Fatalf("client records %v: want a handshake and no application data", types)
	}

	// Control: trusted, through the same relay, application data flows.
	cfg.TLSConfig = &tls.Config{RootCAs: b.roots}
	cfg.OnConnect = func(notifyamqp.ConnectInfo) { cancel() }
	ctx, cancel = context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	for _, err := range newConsumer(t, cfg).Notifications(ctx) {
		t.Fatalf("control stream: %v", err)
	}
	if types := r.recordTypes(t, 1); !strings.ContainsRune(string(types), 23) {
		t.Fatalf("control connection's client records %v: no application data, so the check above proves nothing", types)
	}

	// The explicit switch accepts the unverified certificate, and says so
	// on every connection.
	cfg.TLSConfig = nil
	cfg.InsecureSkipServerVerification = true
	ctx, cancel = context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	var logs strings.Builder
	c, err := notifyamqp.NewConsumer(cfg, iotclient.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Notifications(ctx) {
		t.Fatalf("insecure stream: %v", err)
	}
	if !strings.Contains(logs.String(), "NOT verified") || strings.Contains(logs.String(), testAccessCode) {
		t.Fatalf("no warning, or a secret, in the log:\n%s", logs.String())
	}
}

// TestReconnectWithFreshUserName: a connection that drops is reported as
// a transient error; the consumer dials again with a user name built for
// that dial, attaches again, and goes on.
func TestReconnectWithFreshUserName(t *testing.T) {
	b := needBroker(t)
	b.empty(t)
	b.hookLogin.Logins()
	r := newRelay(t, b.host)
	cfg := b.config()
	cfg.Host = r.ln.Addr().String()
	var infos []notifyamqp.ConnectInfo
	cfg.OnConnect = func(i notifyamqp.ConnectInfo) {
		infos = append(infos, i)
		if i.Connection == 1 {
			// Past the user name's millisecond, drop the connection.
			time.Sleep(2 * time.Millisecond)
			r.cut()
		}
	}
	c := newConsumer(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := newWatchdog(cancel)
	var lost *notifyamqp.ConnectionError
	var got []string
	for n, err := range c.Notifications(ctx) {
		wd.kick()
		if err != nil {
			if lost != nil || !errors.As(err, &lost) || !lost.Lost || !notifyamqp.IsTransient(err) {
				t.Fatalf("want one transient lost-connection error, got %v", err)
			}
			b.publisher(t).send(t, docs(0, 2))
			continue
		}
		got = append(got, n.Command.CommandID)
		if len(got) == 2 {
			cancel()
		}
	}
	wd.stop(t, "reconnect")
	if lost == nil || len(got) != 2 {
		t.Fatalf("lost %v, got %v", lost, got)
	}
	if len(infos) != 2 || !infos[1].Reconnect() || infos[1].Queue != b.queue {
		t.Fatalf("connections %+v, want 2", infos)
	}
	users := b.hookLogin.Logins()
	if len(users) != 2 || users[0] == users[1] {
		t.Fatalf("logins %q: want two with different user names", users)
	}
	for _, u := range users {
		m := amqptest.UserName.FindStringSubmatch(u)
		if m == nil || m[4] != testInstanceID {
			t.Fatalf("user name %q is not accessKey=…|timestamp=…|instanceId=%s", u, testInstanceID)
		}
		ms, _ := strconv.ParseInt(m[2], 10, 64)
		if d := time.Since(time.UnixMilli(ms)); d < 0 || d > time.Minute {
			t.Fatalf("user name %q: timestamp %v old", u, d)
		}
	}
}

// TestStreamLeavesNoGoroutine: once the stream has ended (its context
// done), none of its goroutines, nor go-amqp's, is left.
func TestStreamLeavesNoGoroutine(t *testing.T) {
	b := needBroker(t)
	b.empty(t)
	cfg := b.config()
	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	connected := false
	cfg.OnConnect = func(notifyamqp.ConnectInfo) {
		connected = true
		time.AfterFunc(100*time.Millisecond, cancel) // while it waits in Receive
	}
	for _, err := range newConsumer(t, cfg).Notifications(ctx) {
		t.Fatalf("stream: %v", err)
	}
	if !connected {
		t.Fatal("never connected")
	}
	noAMQPGoroutines(t)

	// A loop body that panics unwinds the stream, which still closes its
	// connection.
	b.empty(t)
	p, err := b.newPublisher()
	if err == nil {
		err = p.publish(docs(0, 1))
		p.close()
	}
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v", r)
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
		defer cancel()
		for range newConsumer(t, b.config()).Notifications(ctx) {
			panic("boom")
		}
		t.Fatal("no notification")
	}()
	noAMQPGoroutines(t)
}

// noAMQPGoroutines fails unless, within 5 s, no goroutine of a consumer or
// of go-amqp is left: go-amqp's session and link goroutines notice a closed
// connection just after Close returns.
func noAMQPGoroutines(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "github.com/Azure/go-amqp.") && !strings.Contains(stacks, "notifyamqp.(*consumer)") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after the stream ended:\n%s", stacks)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCertificateForAnotherHostRefused: a certificate from the trusted CA
// but for another name is refused too (ServerName is checked), for good.
func TestCertificateForAnotherHostRefused(t *testing.T) {
	b := needBroker(t)
	cfg := b.config()
	cfg.TLSConfig = &tls.Config{RootCAs: b.roots, ServerName: "iotda.invalid"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*itemTimeout)
	defer cancel()
	var errs []error
	for _, err := range newConsumer(t, cfg).Notifications(ctx) {
		errs = append(errs, err)
	}
	var hostname x509.HostnameError
	if len(errs) != 1 || !errors.As(errs[0], &hostname) || notifyamqp.IsTransient(errs[0]) {
		t.Fatalf("want one fatal error for the host name, got %v", errs)
	}
}
