package notifyamqp_test

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// restartTimeout bounds a broker restart: a clean stop takes about 2.5 s,
// a boot 4 s on an idle machine and much longer on a loaded one.
const restartTimeout = 150 * time.Second

// restart stops the test broker and starts it again in the same directory
// (same ports and certificates), with .ci/amqp's scripts.
func (b *broker) restart() error {
	cmd := exec.Command("bash", "-c", `s=../../.ci/amqp; D=$1 $s/down.sh && D=$1 $s/up.sh && D=$1 $s/wait.sh`, "restart", b.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New("restarting the broker: " + err.Error() + "\n" + string(out))
	}
	return nil
}

// TestBrokerRestartSurvived: the broker restarts while the consumer
// streams; the consumer reports the lost connection and the failed
// attempts as transient errors, reconnects once the broker is back, and
// gets every notification published after it, as before, each once.
//
// The test's queue is not durable (RabbitMQ 3.10 declares it on an
// IoTDA-style attach with the attach's durability), so messages the broker
// holds when it stops die with it; IoTDA keeps them. The restart therefore
// happens once everything published so far is accepted.
func TestBrokerRestartSurvived(t *testing.T) {
	b := withBacklog(t, 100)

	cfg := b.config()
	conns := 0
	cfg.OnConnect = func(notifyamqp.ConnectInfo) { conns++ }
	c := newConsumer(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	timer := time.AfterFunc(restartTimeout, cancel)
	defer timer.Stop()

	// Once the first 100 are accepted: restart, then publish 100 more.
	restarted := make(chan error, 1)
	seen := make(map[int]int)
	var lost, failed int
	for n, err := range c.Notifications(ctx) {
		if err != nil {
			var ce *notifyamqp.ConnectionError
			if !errors.As(err, &ce) || ce.Fatal {
				t.Fatalf("want transient connection errors, got %v", err)
			}
			if ce.Lost {
				lost++
			} else {
				failed++
			}
			continue
		}
		seen[commandIndex(t, n.Command.CommandID)]++
		switch len(seen) {
		case 100:
			go func() {
				err := b.awaitQueue("every message accepted", func(r, u, _ int) bool { return r == 0 && u == 0 })
				if err == nil {
					err = b.restart()
				}
				var p *publisher
				if err == nil {
					p, err = b.newPublisher()
				}
				if err == nil {
					err = p.publish(docs(100, 200))
					p.close()
				}
				if err != nil {
					cancel()
				}
				restarted <- err
			}()
		case 200:
			cancel()
		}
	}
	if !timer.Stop() {
		t.Fatalf("not done within %s: %d of 200 notifications, %d lost connections", restartTimeout, len(seen), lost)
	}
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	if len(seen) != 200 {
		t.Fatalf("got %d distinct notifications, want 200", len(seen))
	}
	for i, k := range seen {
		if k != 1 {
			t.Errorf("command %d yielded %d times", i, k)
		}
	}
	if lost != 1 || conns < 2 {
		t.Fatalf("%d lost connections, %d connections: want the restart seen once and a reconnect", lost, conns)
	}
	t.Logf("restart: %d failed attempts while the broker was down", failed)
}
