package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"iter"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// The notifications IoTDA forwards, as watch and send --wait-push read
// them: HTTP pushes to a listener of iotctl's own (a forwarding rule's
// HTTP action points at it; against the embedded mock, the mock does), or
// an AMQP queue of the instance (--amqp). Both give the same stream, with
// duplicates and stale changes dropped.

// Environment variables of the AMQP queue, read by
// notifyamqp.ConfigFromEnv. The access code is read from the environment
// only, as every secret.
const (
	envAMQPHost       = "IOTCLIENT_IOTDA_AMQP_HOST"
	envAMQPAccessKey  = "IOTCLIENT_IOTDA_AMQP_ACCESS_KEY"
	envAMQPAccessCode = "IOTCLIENT_IOTDA_AMQP_ACCESS_CODE"
	envAMQPQueue      = "IOTCLIENT_IOTDA_AMQP_QUEUE"
	envAMQPInstance   = "IOTCLIENT_IOTDA_AMQP_INSTANCE_ID"
)

// defaultListen is where pushes are received by default: loopback, on a
// free port, which is all the embedded mock needs.
const defaultListen = "127.0.0.1:0"

// pushFlags say where the notifications come from.
type pushFlags struct {
	listen, path string
	amqp         bool
	amqpHost     string
	amqpKey      string
	amqpQueue    string
	amqpInstance string
	amqpCA       string
}

func (f *pushFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", defaultListen, "receive HTTP pushes on this `address` (host:port; port 0: a free one)")
	fs.StringVar(&f.path, "path", "/", "accept HTTP pushes on this URL `path` only (/: any path); an unguessable path keeps strangers out")
	fs.BoolVar(&f.amqp, "amqp", false, "read the instance's AMQP queue instead of listening for HTTP pushes")
	fs.StringVar(&f.amqpHost, "amqp-host", "", "the instance's AMQPS access `address` (sets $"+envAMQPHost+")")
	fs.StringVar(&f.amqpKey, "amqp-access-key", "", "the AMQP access `key` (sets $"+envAMQPAccessKey+"; the access code only from $"+envAMQPAccessCode+")")
	fs.StringVar(&f.amqpQueue, "amqp-queue", "", "the AMQP `queue` to read (sets $"+envAMQPQueue+"; default "+notifyamqp.DefaultQueue+")")
	fs.StringVar(&f.amqpInstance, "amqp-instance", "", "the instance `ID` the AMQP credential belongs to (sets $"+envAMQPInstance+")")
	fs.StringVar(&f.amqpCA, "amqp-ca", "", "trust the CA certificates of this PEM `file` for the AMQP server (default: the system's)")
}

func (f *pushFlags) env() map[string]string {
	return map[string]string{envAMQPHost: f.amqpHost, envAMQPAccessKey: f.amqpKey, envAMQPQueue: f.amqpQueue, envAMQPInstance: f.amqpInstance}
}

// validate refuses flags of one channel given for the other.
func (f *pushFlags) validate() error {
	if !f.amqp {
		for name, v := range map[string]string{"--amqp-host": f.amqpHost, "--amqp-access-key": f.amqpKey,
			"--amqp-queue": f.amqpQueue, "--amqp-instance": f.amqpInstance, "--amqp-ca": f.amqpCA} {
			if v != "" {
				return usagef("%s: only with --amqp", name)
			}
		}
	} else if f.listen != defaultListen || f.path != "/" {
		return usagef("--listen and --path receive HTTP pushes: leave them out with --amqp")
	}
	if !strings.HasPrefix(f.path, "/") {
		return usagef("--path %q: must start with /", f.path)
	}
	return nil
}

// pushes is an open stream of notifications.
type pushes struct {
	stream iter.Seq2[notify.Notification, error]
	url    string // the HTTP listener's URL; "" for AMQP
	close  func() // stops receiving; the stream then ends
}

// pushListening, when set (by tests), is called with the URL of each
// HTTP listener iotctl opens.
var pushListening func(url string)

// openPushes starts receiving notifications for the command name: it
// listens for HTTP pushes, or connects to the AMQP queue. The stream ends
// when ctx does or close is called.
func (a *app) openPushes(ctx context.Context, name string, c *common, f *pushFlags) (*pushes, error) {
	if f.amqp {
		return a.openAMQP(ctx, name, c, f)
	}
	h, err := notify.NewHandler(notify.HandlerConfig{})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", f.listen, err)
	}
	path := f.path
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if path != "/" && r.URL.Path != path {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln) // ErrServerClosed once close runs
	}()
	p := &pushes{
		stream: notify.Deduplicate(h.Notifications(ctx)),
		url:    "http://" + ln.Addr().String() + path,
		close: func() {
			h.Close() // answers the pushes still waiting 503 at once
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
			<-served
		},
	}
	if pushListening != nil {
		pushListening(p.url)
	}
	return p, nil
}

// openAMQP connects to the queue notifyamqp.ConfigFromEnv describes, the
// flags standing in for their variables.
func (a *app) openAMQP(ctx context.Context, name string, c *common, f *pushFlags) (*pushes, error) {
	a.secrets = append(a.secrets, f.amqpKey)
	if c.mock {
		return nil, usagef("--amqp reads a real queue: the embedded mock pushes over HTTP only")
	}
	var cfg notifyamqp.Config
	err := fromEnv(f.env(), func() (err error) { cfg, err = notifyamqp.ConfigFromEnv(); return err })
	switch {
	case errors.Is(err, iotclient.ErrNoConfig):
		return nil, usagef("--amqp needs the queue's address and credential: --amqp-host or $%s, --amqp-access-key or $%s, and $%s",
			envAMQPHost, envAMQPAccessKey, envAMQPAccessCode)
	case err != nil:
		return nil, err // a *iotclient.ValidationError naming the variable: see flagOfField
	}
	if f.amqpCA != "" {
		pem, err := os.ReadFile(f.amqpCA)
		if err != nil {
			return nil, fmt.Errorf("--amqp-ca: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, usagef("--amqp-ca %s: holds no PEM certificate", f.amqpCA)
		}
		cfg.TLSConfig = &tls.Config{RootCAs: roots}
	}
	prefix := "iotctl " + name + ": "
	cfg.OnConnect = func(ci notifyamqp.ConnectInfo) {
		verb := "connected"
		if ci.Reconnect() {
			verb = "reconnected"
		}
		fmt.Fprintf(a.stderr, "%s%s to %s, reading queue %s\n", prefix, verb, ci.Address, a.clean(ci.Queue))
	}
	consumer, err := notifyamqp.NewConsumer(cfg, a.logOptions(c)...)
	if err != nil {
		return nil, err
	}
	a.talkingTo("Huawei IoTDA's AMQP queue " + consumer.Queue() + " at " + consumer.Address())
	return &pushes{stream: consumer.Notifications(ctx), close: func() {}}, nil
}

// reportTransient prints an error a stream of notifications goes on after
// (an undecodable document, notifications lost, a lost connection) and
// reports whether it was one.
func (a *app) reportTransient(name string, err error) bool {
	if !notify.IsTransient(err) {
		return false
	}
	fmt.Fprintf(a.stderr, "iotctl %s: %s\n", name, a.clean(err.Error()))
	return true
}
