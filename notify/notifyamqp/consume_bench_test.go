package notifyamqp_test

import (
	"context"
	"crypto/tls"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/go-amqp"

	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// The benchmarks publish b.N notifications, then time their consumption
// over loopback from the real broker, connection set up excluded; each
// reports msgs/s. Run them with a fixed count, as the backlog is published
// first:
//
//	go test -run '^$' -bench 'Consume|PlainReceive' -benchtime 10000x -count 5 ./notify/notifyamqp
//
// BenchmarkPlainReceiveAccept is the floor: go-amqp alone, receiving and
// accepting with credit 100 granted per settled batch, decoding nothing.
// Besides msgs/s, which depends on the broker's share of the machine, each
// reports the client's own CPU time per message (cpu-µs/msg, from
// getrusage), which does not.

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds msgs/s and cpu-µs/msg since start and cpu0.
func report(b *testing.B, start time.Time, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
}

func fill(b *testing.B, br *broker) {
	b.Helper()
	br.empty(b)
	p := br.publisher(b)
	const batch = 5000
	for i := 0; i < b.N; i += batch {
		p.send(b, docs(i, min(i+batch, b.N)))
	}
}

func BenchmarkConsume(b *testing.B) {
	br := needBroker(b)
	fill(b, br)
	cfg := br.config()
	cfg.OnConnect = func(notifyamqp.ConnectInfo) { b.ResetTimer() }
	c, err := notifyamqp.NewConsumer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ReportAllocs()
	var start time.Time
	var cpu0 time.Duration
	n := 0
	for nt, err := range c.Notifications(ctx) {
		if err != nil || nt.Command == nil {
			b.Fatalf("%v %+v", err, nt)
		}
		if n == 0 {
			start, cpu0 = time.Now(), cpuTime()
		}
		if n++; n == b.N {
			b.StopTimer()
			report(b, start, cpu0)
			cancel()
		}
	}
	if n != b.N {
		b.Fatalf("consumed %d of %d", n, b.N)
	}
}

func BenchmarkPlainReceiveAccept(b *testing.B)       { plainLoop(b, false) }
func BenchmarkPlainReceiveDecodeAccept(b *testing.B) { plainLoop(b, true) }

func plainLoop(b *testing.B, decode bool) {
	br := needBroker(b)
	fill(b, br)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := amqp.Dial(ctx, "amqps://"+br.host, &amqp.ConnOptions{
		SASLType:  amqp.SASLTypePlain("accessKey="+testAccessKey+"|timestamp="+strconv.FormatInt(time.Now().UnixMilli(), 10)+"|instanceId=", testAccessCode),
		HostName:  "default",
		TLSConfig: &tls.Config{RootCAs: br.roots, ServerName: "localhost", MinVersion: tls.VersionTLS12},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	rcv, err := sess.NewReceiver(ctx, br.queue, &amqp.ReceiverOptions{Credit: -1})
	if err != nil {
		b.Fatal(err)
	}
	const credit = 100
	if err := rcv.IssueCredit(credit); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 1; i <= b.N; i++ {
		msg, err := rcv.Receive(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if decode {
			if _, err := notify.Decode(msg.GetData()); err != nil && msg.Value != nil {
				if _, err := notify.Decode([]byte(msg.Value.(string))); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := rcv.AcceptMessage(ctx, msg); err != nil {
			b.Fatal(err)
		}
		if i%credit == 0 {
			if err := rcv.IssueCredit(credit); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	report(b, start, cpu0)
	_ = sess.Close(ctx)
}
