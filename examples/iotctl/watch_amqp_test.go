package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/internal/amqptest"
)

// needBroker returns the AMQP test broker, serving its auth hook for the
// test, or skips the test saying how to start one; under CI (CI set) a
// missing broker fails the test instead, as in package notifyamqp.
func needBroker(t *testing.T) *amqptest.Broker {
	t.Helper()
	b, err := amqptest.FromEnv()
	if err != nil {
		msg := "no AMQP test broker (" + err.Error() + "): run `eval \"$(.ci/amqp/start.sh)\"` at the repository root, then go test; .ci/amqp/down.sh stops it"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: the AMQP tests must not be skipped)")
		}
		t.Skip(msg)
	}
	// Another test binary of the same go test run (notifyamqp's holds the
	// broker for all its tests) may have it: wait for it as long as this
	// test may run, less a margin to report why, rather than a fixed time
	// that a slow machine outlasts.
	wait := 8 * time.Minute
	if d, ok := t.Deadline(); ok {
		wait = time.Until(d) - 30*time.Second
	}
	stop, err := b.Serve(wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if err := b.Purge(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Purge(); err != nil {
			t.Error(err)
		}
	})
	return b
}

// amqpArgs are watch's flags for the test broker's queue; the access code
// comes from the environment.
func amqpArgs(t *testing.T, b *amqptest.Broker, code string) []string {
	t.Helper()
	clearEnv(t)
	t.Setenv(envAMQPAccessCode, code)
	return []string{"watch", "--amqp", "--amqp-host", "amqps://" + b.Host, "--amqp-access-key", amqptest.AccessKey,
		"--amqp-queue", b.Queue, "--amqp-instance", amqptest.InstanceID, "--amqp-ca", b.CAFile}
}

// watch --amqp prints the same rows as watch over HTTP for the same
// documents (a duplicate left out, an undecodable one reported), over TLS
// with the test CA and IoTDA's user name, and never the credential.
func TestWatchAMQP(t *testing.T) {
	b := needBroker(t)
	docs := []string{hostileDoc(), `{"resource":"device.status"` + hostile, hostileDoc(), plainDoc}
	for _, format := range []string{formatJSONL, formatTable} {
		t.Run(format, func(t *testing.T) {
			overHTTP := runWatchWith(t, docs, "--wait", "2", "--format", format, "--for", "30s")
			mustSucceed(t, overHTTP)

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			bodies := make([][]byte, len(docs))
			for i, d := range docs {
				bodies[i] = []byte(d)
			}
			if err := b.Publish(ctx, bodies...); err != nil {
				t.Fatal(err)
			}
			r := cliEnv(t, append(amqpArgs(t, b, amqptest.AccessCode), "--wait", "2", "--format", format, "--for", "60s")...)
			mustSucceed(t, r)
			if r.stdout != overHTTP.stdout {
				t.Errorf("the rows differ from HTTP's\nAMQP:\n%s\nHTTP:\n%s", r.stdout, overHTTP.stdout)
			}
			noTerminalControls(t, "stderr", r.stderr)
			for _, want := range []string{"talking to Huawei IoTDA's AMQP queue " + b.Queue + " at " + b.Host,
				"iotctl watch: connected to " + b.Host + ", reading queue " + b.Queue, "undecodable"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			// Every message was acknowledged: the duplicate and the
			// undecodable one, and the last one printed before --wait
			// stopped the stream.
			if n, err := b.Messages(); err != nil || n != 0 {
				t.Errorf("the queue holds %d messages (%v), want none", n, err)
			}
			for _, secret := range []string{amqptest.AccessCode, amqptest.AccessKey} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("the credential %q was printed:\n%s%s", secret, r.stdout, r.stderr)
				}
			}
		})
	}
}

// A wrong access code ends watch with status 1 and an error that says why,
// without the code.
func TestWatchAMQPWrongAccessCode(t *testing.T) {
	b := needBroker(t)
	const wrong = "Wr0ng-Acc3ss-C0de"
	r := cliEnv(t, append(amqpArgs(t, b, wrong), "--for", "60s")...)
	if r.code != exitError || r.stdout != "" {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "refused the access credential") || strings.Contains(r.stderr, wrong) ||
		strings.Contains(r.stderr, amqptest.AccessKey) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}
