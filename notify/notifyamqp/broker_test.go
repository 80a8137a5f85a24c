package notifyamqp_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/go-amqp"

	"github.com/iotclient/iotclient-go/internal/amqptest"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// The IoTDA credential the tests' auth hook accepts.
const (
	testAccessKey  = amqptest.AccessKey
	testAccessCode = amqptest.AccessCode
	testInstanceID = amqptest.InstanceID
)

// broker is the test broker the environment describes (.ci/amqp/start.sh
// prints it): a private RabbitMQ 3.10 with its AMQP 1.0 plugin, TLS with a
// test CA, the IoTDA user checked by the auth hook this test binary serves.
type broker struct {
	host      string // host:port of the AMQPS listener
	roots     *x509.CertPool
	queue     string
	pubUser   string
	pubPass   string
	dir       string // the broker's directory: env.sh, for rabbitmqctl
	authAddr  string
	hookLogin *amqptest.Hook
}

var (
	theBroker  *broker
	brokerErr  string // why there is none
	hookServer *http.Server
)

// childEnv marks a child process of this test binary (TestKilledConsumer):
// the parent serves the auth hook.
const childEnv = "IOTCLIENT_TEST_AMQP_CHILD"

func TestMain(m *testing.M) {
	theBroker, brokerErr = brokerFromEnv()
	if os.Getenv(childEnv) != "" {
		os.Exit(killedChild())
	}
	if theBroker != nil {
		// Other test binaries of the same go test run may use the broker:
		// holding the hook's address, this one has it to itself.
		ln, err := amqptest.Take(theBroker.authAddr, 15*time.Minute)
		if err != nil {
			fmt.Fprintf(os.Stderr, "auth hook: %v\n", err)
			os.Exit(1)
		}
		hookServer = &http.Server{Handler: theBroker.hookLogin, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hookServer.Serve(ln) }()
	}
	code := m.Run()
	if hookServer != nil {
		_ = hookServer.Close()
	}
	os.Exit(code)
}

func brokerFromEnv() (*broker, string) {
	raw := os.Getenv("IOTCLIENT_TEST_AMQP_URL")
	if raw == "" {
		return nil, "IOTCLIENT_TEST_AMQP_URL is not set"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "amqps" {
		return nil, "IOTCLIENT_TEST_AMQP_URL is not an amqps:// URL: " + raw
	}
	pem, err := os.ReadFile(os.Getenv("IOTCLIENT_TEST_AMQP_CA"))
	if err != nil {
		return nil, "IOTCLIENT_TEST_AMQP_CA: " + err.Error()
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, "IOTCLIENT_TEST_AMQP_CA holds no certificate"
	}
	b := &broker{
		host:      u.Host,
		roots:     roots,
		queue:     os.Getenv("IOTCLIENT_TEST_AMQP_QUEUE"),
		pubUser:   os.Getenv("IOTCLIENT_TEST_AMQP_PUBLISHER"),
		pubPass:   os.Getenv("IOTCLIENT_TEST_AMQP_PUBLISHER_PASSWORD"),
		dir:       os.Getenv("IOTCLIENT_TEST_AMQP_DIR"),
		authAddr:  os.Getenv("IOTCLIENT_TEST_AMQP_AUTH_ADDR"),
		hookLogin: &amqptest.Hook{},
	}
	if b.queue == "" || b.pubUser == "" || b.dir == "" || b.authAddr == "" {
		return nil, "IOTCLIENT_TEST_AMQP_QUEUE, _PUBLISHER, _DIR or _AUTH_ADDR is not set"
	}
	b.hookLogin.Queue = b.queue
	return b, ""
}

// needBroker returns the test broker, or skips the test saying how to
// start one; under CI (CI set) a missing broker fails the test instead.
func needBroker(t testing.TB) *broker {
	t.Helper()
	if theBroker != nil {
		return theBroker
	}
	msg := "no AMQP test broker (" + brokerErr + "): run `eval \"$(.ci/amqp/start.sh)\"` at the repository root, then go test; .ci/amqp/down.sh stops it"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: the AMQP tests must not be skipped)")
	}
	t.Skip(msg)
	return nil
}

// config is a consumer's Config for the test broker.
// withBacklog returns the test broker with its queue emptied and then
// holding documents 0 to n-1 (see docs).
func withBacklog(t *testing.T, n int) *broker {
	t.Helper()
	b := needBroker(t)
	b.empty(t)
	b.publisher(t).send(t, docs(0, n))
	return b
}

func (b *broker) config() notifyamqp.Config {
	return notifyamqp.Config{
		Host:             "amqps://" + b.host,
		AccessKey:        testAccessKey,
		AccessCode:       testAccessCode,
		InstanceID:       testInstanceID,
		Queue:            b.queue,
		TLSConfig:        &tls.Config{RootCAs: b.roots},
		ReconnectWait:    50 * time.Millisecond,
		MaxReconnectWait: time.Second,
	}
}

// rmqctl runs rabbitmqctl against the test broker.
func (b *broker) rmqctl(t testing.TB, args ...string) string {
	t.Helper()
	out, err := runRmqctl(b, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runRmqctl is rmqctl for any goroutine.
func runRmqctl(b *broker, args ...string) (string, error) {
	cmd := exec.Command("bash", "-c", `. "$1/env.sh"; shift; rmqctl "$@"`, "rmqctl", b.dir)
	cmd.Args = append(cmd.Args, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("rabbitmqctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// queueCounts returns the queue's ready and unacknowledged messages and its
// consumers.
func (b *broker) queueCounts() (ready, unacked, consumers int, err error) {
	out, err := runRmqctl(b, "list_queues", "-q", "--no-table-headers", "-p", "default", "name", "messages_ready", "messages_unacknowledged", "consumers")
	if err != nil {
		return 0, 0, 0, err
	}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == b.queue {
			ready, _ = strconv.Atoi(f[1])
			unacked, _ = strconv.Atoi(f[2])
			consumers, _ = strconv.Atoi(f[3])
			return ready, unacked, consumers, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("queue %s not listed:\n%s", b.queue, out)
}

// awaitQueue polls the queue's counts until ok says so, for at most 30 s.
func (b *broker) awaitQueue(what string, ok func(ready, unacked, consumers int) bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, u, c, err := b.queueCounts()
		if err != nil {
			return err
		}
		if ok(r, u, c) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("queue never got %s: ready %d, unacknowledged %d, consumers %d", what, r, u, c)
		}
		time.Sleep(200 * time.Millisecond) // polling an external process: no event to wait on
	}
}

// waitQueue is awaitQueue for the test's goroutine.
func (b *broker) waitQueue(t testing.TB, what string, ok func(ready, unacked, consumers int) bool) {
	t.Helper()
	if err := b.awaitQueue(what, ok); err != nil {
		t.Fatal(err)
	}
}

// empty waits until no consumer holds the queue, then purges it.
func (b *broker) empty(t testing.TB) {
	t.Helper()
	b.waitQueue(t, "no consumer", func(_, _, c int) bool { return c == 0 })
	b.rmqctl(t, "purge_queue", "-q", "-p", "default", b.queue)
}

// publisher is the tests' sender into the queue (IoTDA itself refuses
// senders; the broker's publisher user may).
type publisher struct {
	conn *amqp.Conn
	snd  *amqp.Sender
}

func (b *broker) newPublisher() (*publisher, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := amqp.Dial(ctx, "amqps://"+b.host, &amqp.ConnOptions{
		SASLType:  amqp.SASLTypePlain(b.pubUser, b.pubPass),
		HostName:  "default",
		TLSConfig: &tls.Config{RootCAs: b.roots, ServerName: "localhost", MinVersion: tls.VersionTLS12},
	})
	if err != nil {
		return nil, fmt.Errorf("publisher: %w", err)
	}
	sess, err := conn.NewSession(ctx, nil)
	if err == nil {
		var snd *amqp.Sender
		if snd, err = sess.NewSender(ctx, b.queue, nil); err == nil {
			return &publisher{conn: conn, snd: snd}, nil
		}
	}
	_ = conn.Close()
	return nil, fmt.Errorf("publisher: %w", err)
}

// publisher is newPublisher for the test's goroutine, closed at cleanup.
func (b *broker) publisher(t testing.TB) *publisher {
	t.Helper()
	p, err := b.newPublisher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	return p
}

func (p *publisher) close() { _ = p.conn.Close() }

// publish sends the bodies (in order when at most 100, else 32 at a
// time), each as a data section (the even ones) or a string amqp-value
// (the odd ones): which one IoTDA uses is unconfirmed. It returns once the
// broker has accepted every one.
func (p *publisher) publish(bodies [][]byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inFlight := 32
	if len(bodies) <= 100 {
		inFlight = 1 // in order: small tests check the order
	}
	sem := make(chan struct{}, inFlight)
	errs := make(chan error, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		msg := amqp.NewMessage(b)
		if i%2 == 1 {
			msg = &amqp.Message{Value: string(b)}
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := p.snd.Send(ctx, msg, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// send is publish for the test's goroutine.
func (p *publisher) send(t testing.TB, bodies [][]byte) {
	t.Helper()
	if err := p.publish(bodies); err != nil {
		t.Fatal(err)
	}
}

// commandDoc is a device.command.status document for command i.
func commandDoc(i int) []byte {
	return fmt.Appendf(nil, `{"resource":"device.command.status","event":"update","event_time":"20251206T101010Z",`+
		`"request_id":"req-%06d","notify_data":{"header":{"device_id":"dev-%d","product_id":"p1","app_id":"app1"},`+
		`"body":{"command_id":"cmd-%06d","status":"SUCCESSFUL","created_time":"20251206T101000Z","result":{"n":%d}}}}`, i, i%100, i, i)
}

func docs(from, to int) [][]byte {
	out := make([][]byte, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, commandDoc(i))
	}
	return out
}

// commandIndex reads i back from a command ID cmd-%06d.
func commandIndex(t testing.TB, id string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimPrefix(id, "cmd-"))
	if err != nil {
		t.Fatalf("unexpected command ID %q", id)
	}
	return n
}
