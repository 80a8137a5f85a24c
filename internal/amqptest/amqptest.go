// Package amqptest serves the tests outside package notifyamqp that need
// the AMQP test broker .ci/amqp starts (a private RabbitMQ 3.10 standing
// in for IoTDA's AMQP endpoint): it reads the broker from the
// IOTCLIENT_TEST_AMQP_* environment, answers the broker's HTTP auth hook
// for IoTDA's user name as IoTDA checks it, publishes into the queue, and
// makes the test binaries that share the broker take turns.
//
// The broker asks the hook on one fixed address, and its queue is shared:
// a test binary holds the hook's address for as long as it uses the
// broker (Take), so two binaries of one go test run never read the same
// queue at once.
package amqptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/Azure/go-amqp"
)

// The IoTDA credential Hook accepts, as the notifyamqp tests use it.
const (
	AccessKey  = "AK7xQ2pL"
	AccessCode = "Tst-Acc3ss-C0de-9f1e2d"
	InstanceID = "inst-0001"
)

// Broker is the test broker the environment describes (.ci/amqp/start.sh
// prints it).
type Broker struct {
	Host      string // host:port of the AMQPS listener
	CAFile    string // the test CA, PEM
	Roots     *x509.CertPool
	Queue     string
	publisher struct{ user, password string }
	dir       string // the broker's directory: env.sh, for rabbitmqctl
	AuthAddr  string // where the broker asks the auth hook
}

// FromEnv returns the test broker, or why there is none.
func FromEnv() (*Broker, error) {
	raw := os.Getenv("IOTCLIENT_TEST_AMQP_URL")
	if raw == "" {
		return nil, errors.New("IOTCLIENT_TEST_AMQP_URL is not set")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "amqps" {
		return nil, fmt.Errorf("IOTCLIENT_TEST_AMQP_URL is not an amqps:// URL: %s", raw)
	}
	b := &Broker{
		Host:     u.Host,
		CAFile:   os.Getenv("IOTCLIENT_TEST_AMQP_CA"),
		Queue:    os.Getenv("IOTCLIENT_TEST_AMQP_QUEUE"),
		dir:      os.Getenv("IOTCLIENT_TEST_AMQP_DIR"),
		AuthAddr: os.Getenv("IOTCLIENT_TEST_AMQP_AUTH_ADDR"),
	}
	b.publisher.user = os.Getenv("IOTCLIENT_TEST_AMQP_PUBLISHER")
	b.publisher.password = os.Getenv("IOTCLIENT_TEST_AMQP_PUBLISHER_PASSWORD")
	if b.Queue == "" || b.publisher.user == "" || b.dir == "" || b.AuthAddr == "" {
		return nil, errors.New("IOTCLIENT_TEST_AMQP_QUEUE, _PUBLISHER, _DIR or _AUTH_ADDR is not set")
	}
	pem, err := os.ReadFile(b.CAFile)
	if err != nil {
		return nil, fmt.Errorf("IOTCLIENT_TEST_AMQP_CA: %w", err)
	}
	b.Roots = x509.NewCertPool()
	if !b.Roots.AppendCertsFromPEM(pem) {
		return nil, errors.New("IOTCLIENT_TEST_AMQP_CA holds no certificate")
	}
	return b, nil
}

// Take listens on addr (the auth hook's address), waiting up to wait
// while another test binary holds it: the binaries sharing the broker take
// turns. Close the listener when done with the broker.
func Take(addr string, wait time.Duration) (net.Listener, error) {
	deadline := time.Now().Add(wait)
	for {
		ln, err := net.Listen("tcp", addr)
		switch {
		case err == nil || !errors.Is(err, syscall.EADDRINUSE):
			return ln, err
		case time.Now().After(deadline):
			return nil, fmt.Errorf("the AMQP auth hook's address %s is still taken after %s (another test binary holds the broker): %w",
				addr, wait.Round(time.Second), err)
		}
		// Another process holds it: there is no event to wait on.
		time.Sleep(250 * time.Millisecond)
	}
}

// Hook answers RabbitMQ's rabbitmq_auth_backend_http for the IoTDA user as
// IoTDA checks it: the user name's shape, the access key, a timestamp
// within five minutes, the access code; the user may read the queue and
// nothing else.
type Hook struct {
	Queue string

	mu    sync.Mutex
	users []string // user names of the logins since the last Logins
}

// Logins returns the user names of the logins (with a password) since the
// last call.
func (h *Hook) Logins() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	u := h.users
	h.users = nil
	return u
}

// UserName matches the IoTDA AMQP user name; its groups are the access
// key (1), the timestamp in milliseconds (2) and the instance ID (4).
var UserName = regexp.MustCompile(`^accessKey=([^|=]+)\|timestamp=(\d{13})(\|instanceId=([^|=]*))?$`)

func okUser(u string) bool {
	m := UserName.FindStringSubmatch(u)
	if m == nil || m[1] != AccessKey {
		return false
	}
	ms, _ := strconv.ParseInt(m[2], 10, 64)
	d := time.Since(time.UnixMilli(ms))
	return d < 5*time.Minute && d > -5*time.Minute
}

// ServeHTTP answers allow or deny.
func (h *Hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user := r.Form.Get("username")
	allow := false
	switch r.URL.Path {
	case "/auth/user":
		// RabbitMQ asks at login (with the password) and from the AMQP 1.0
		// reader (without).
		pass, hasPass := r.Form["password"]
		allow = okUser(user) && (!hasPass || len(pass) == 1 && pass[0] == AccessCode)
		if hasPass {
			h.mu.Lock()
			h.users = append(h.users, user)
			h.mu.Unlock()
		}
	case "/auth/vhost":
		allow = okUser(user) && r.Form.Get("vhost") == "default"
	case "/auth/resource":
		allow = okUser(user) && r.Form.Get("resource") == "queue" && r.Form.Get("name") == h.Queue && r.Form.Get("permission") != "write"
	}
	if allow {
		_, _ = w.Write([]byte("allow"))
		return
	}
	_, _ = w.Write([]byte("deny"))
}

// Serve takes the hook's address (see Take) and answers the hook there
// until stop is called.
func (b *Broker) Serve(wait time.Duration) (stop func(), err error) {
	ln, err := Take(b.AuthAddr, wait)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: &Hook{Queue: b.Queue}, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return func() { _ = srv.Close(); <-done }, nil
}

// Publish sends the bodies into the queue in order, each as a data
// section, and returns once the broker has accepted them all.
func (b *Broker) Publish(ctx context.Context, bodies ...[]byte) error {
	conn, err := amqp.Dial(ctx, "amqps://"+b.Host, &amqp.ConnOptions{
		SASLType:  amqp.SASLTypePlain(b.publisher.user, b.publisher.password),
		HostName:  "default",
		TLSConfig: &tls.Config{RootCAs: b.Roots, ServerName: "localhost", MinVersion: tls.VersionTLS12},
	})
	if err != nil {
		return fmt.Errorf("publisher: %w", err)
	}
	defer conn.Close()
	sess, err := conn.NewSession(ctx, nil)
	if err != nil {
		return fmt.Errorf("publisher: %w", err)
	}
	snd, err := sess.NewSender(ctx, b.Queue, nil)
	if err != nil {
		return fmt.Errorf("publisher: %w", err)
	}
	for _, body := range bodies {
		if err := snd.Send(ctx, amqp.NewMessage(body), nil); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	return nil
}

// Purge empties the queue once no consumer holds it (for at most 30 s).
func (b *Broker) Purge() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := b.rabbitmqctl("list_queues", "-q", "--no-table-headers", "-p", "default", "name", "consumers")
		if err != nil {
			return err
		}
		busy := false
		for line := range strings.Lines(out) {
			if f := strings.Fields(line); len(f) == 2 && f[0] == b.Queue && f[1] != "0" {
				busy = true
			}
		}
		if !busy {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("queue %s still has a consumer after 30s", b.Queue)
		}
		time.Sleep(200 * time.Millisecond) // polling an external process: no event to wait on
	}
	_, err := b.rabbitmqctl("purge_queue", "-q", "-p", "default", b.Queue)
	return err
}

// Messages returns how many messages the queue holds, ready or delivered
// and not acknowledged yet.
func (b *Broker) Messages() (int, error) {
	out, err := b.rabbitmqctl("list_queues", "-q", "--no-table-headers", "-p", "default", "name", "messages")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == b.Queue {
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("queue %s not listed:\n%s", b.Queue, out)
}

func (b *Broker) rabbitmqctl(args ...string) (string, error) {
	cmd := exec.Command("bash", "-c", `. "$1/env.sh"; shift; rmqctl "$@"`, "rmqctl", b.dir)
	cmd.Args = append(cmd.Args, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("rabbitmqctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
