package notifyamqp_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/go-amqp"

	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// The benchmarks publish b.N notifications, then time their consumption
// over loopback from the real broker, connection set up excluded. With the
// broker up (eval "$(.ci/amqp/start.sh)"), run them with a fixed count, as
// the backlog is published first:
//
//	go test -run '^$' -bench 'Consume|PlainReceive' -benchtime 10000x -count 5 ./notify/notifyamqp
//
// BenchmarkConsume ranges over a Consumer with the default Config.
// BenchmarkPlainReceiveAccept is the reference: go-amqp alone, in a loop
// that receives, accepts (receiver settles first, as the consumer) and
// decodes nothing, with a credit of 1,000 granted again as soon as all of
// the last grant has arrived; BenchmarkPlainReceiveDecodeAccept also
// decodes. Neither automatic credit nor manual credit topped up at half the
// window can be used: with a backlog, RabbitMQ 3.10 over-sends credit
// granted while deliveries are on the way and the link stalls (see
// window.go). BenchmarkConsumeToPlain consumes b.N with the plain loop,
// then b.N with the consumer, and reports both rates and consumer/plain:
// the ratio from one run, so that the load on a shared machine, which moves
// msgs/s from run to run, moves both alike.
//
// How to read them: msgs/s is the rate (the broker's share of the machine
// decides much of it: on 2 cores it uses more CPU per message than the
// client); cpu-µs/msg is the client's CPU time per message (getrusage),
// broker-cpu-µs/msg the broker's (its beam.smp in /proc, in 10 ms ticks).
// A consumer as fast as the plain loop has a ratio near 1; allocs/op and
// B/op are per message, of the consumer and go-amqp together.
//
// Measured 2026-12-06 on the 2-core test machine, nothing else running
// (load average under 2), default broker (.ci/amqp): BenchmarkConsume
// 10,456 to 13,846 msgs/s, BenchmarkPlainReceiveAccept 11,060 to 13,218,
// BenchmarkConsumeToPlain consume/plain 0.88 to 1.09. Both are bound by the
// broker, which spent 83 to 130 µs of CPU per message against the client's
// 40 to 60. Without batchConn the consumer's CPU per message was 1.20x the
// plain loop's instead of 1.08x (medians of 4 paired runs).

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// brokerCPU is the test broker's CPU time so far (utime and stime of its
// beam.smp in /proc, in clock ticks of 10 ms), or 0 when unknown.
func brokerCPU() time.Duration {
	pid, err := os.ReadFile(filepath.Join(os.Getenv("IOTCLIENT_TEST_AMQP_DIR"), "rabbit.pid"))
	if err != nil {
		return 0
	}
	stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis: utime and stime are
	// the 12th and 13th of them.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// meter measures a consumption from its start.
type meter struct {
	start           time.Time
	cpu0, brokerCPU time.Duration
}

func startMeter() meter { return meter{time.Now(), cpuTime(), brokerCPU()} }

// rates is what a meter measured over n messages.
type rates struct {
	msgsPerSec, cpuPerMsg, brokerCPUPerMsg float64
}

func (m meter) stop(n int) rates {
	r := rates{
		msgsPerSec: float64(n) / time.Since(m.start).Seconds(),
		cpuPerMsg:  float64((cpuTime() - m.cpu0).Microseconds()) / float64(n),
	}
	if m.brokerCPU > 0 {
		r.brokerCPUPerMsg = float64((brokerCPU() - m.brokerCPU).Microseconds()) / float64(n)
	}
	return r
}

// report adds msgs/s, the client's cpu-µs/msg and the broker's
// broker-cpu-µs/msg, each unit after prefix.
func (r rates) report(b *testing.B, prefix string) {
	b.ReportMetric(r.msgsPerSec, prefix+"msgs/s")
	b.ReportMetric(r.cpuPerMsg, prefix+"cpu-µs/msg")
	if r.brokerCPUPerMsg > 0 {
		b.ReportMetric(r.brokerCPUPerMsg, prefix+"broker-cpu-µs/msg")
	}
}

// fill empties the queue and publishes n notifications, the timer stopped.
func fill(b *testing.B, br *broker, n int) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	br.empty(b)
	p := br.publisher(b)
	const batch = 5000
	for i := 0; i < n; i += batch {
		p.send(b, docs(i, min(i+batch, n)))
	}
}

func BenchmarkConsume(b *testing.B) {
	br := needBroker(b)
	b.ReportAllocs()
	fill(b, br, b.N)
	consume(b, br, b.N).report(b, "")
}

func BenchmarkPlainReceiveAccept(b *testing.B)       { plainBench(b, false) }
func BenchmarkPlainReceiveDecodeAccept(b *testing.B) { plainBench(b, true) }

func plainBench(b *testing.B, decode bool) {
	br := needBroker(b)
	b.ReportAllocs()
	fill(b, br, b.N)
	plainLoop(b, br, b.N, decode).report(b, "")
}

func BenchmarkConsumeToPlain(b *testing.B) {
	br := needBroker(b)
	fill(b, br, b.N)
	plain := plainLoop(b, br, b.N, false)
	fill(b, br, b.N)
	c := consume(b, br, b.N)
	plain.report(b, "plain-")
	c.report(b, "consume-")
	b.ReportMetric(c.msgsPerSec/plain.msgsPerSec, "consume/plain")
}

// consume takes n notifications from the queue with a Consumer of the
// default Config, and measures from the first.
func consume(b *testing.B, br *broker, n int) rates {
	c, err := notifyamqp.NewConsumer(br.config())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var m meter
	var r rates
	got := 0
	for nt, err := range c.Notifications(ctx) {
		if err != nil || nt.Command == nil {
			b.Fatalf("%v %+v", err, nt)
		}
		if got == 0 {
			m = startMeter()
		}
		if got++; got == n {
			r = m.stop(n)
			cancel()
		}
	}
	if got != n {
		b.Fatalf("consumed %d of %d", got, n)
	}
	return r
}

// plainCredit is the plain loop's window: a few hundred or thousand, as a
// good go-amqp loop has.
const plainCredit = 1000

// plainLoop takes n messages from the queue with go-amqp alone: receive,
// decode if asked, accept; it grants plainCredit again when the whole last
// grant has arrived, the earliest RabbitMQ 3.10 allows.
func plainLoop(b *testing.B, br *broker, n int, decode bool) rates {
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
	if err := rcv.IssueCredit(plainCredit); err != nil {
		b.Fatal(err)
	}
	m := startMeter()
	for i := 1; i <= n; i++ {
		msg, err := rcv.Receive(ctx, nil)
		if err != nil {
			b.Fatalf("message %d: %v", i, err)
		}
		if i%plainCredit == 0 {
			if err := rcv.IssueCredit(plainCredit); err != nil {
				b.Fatal(err)
			}
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
	}
	r := m.stop(n)
	// Bounded: RabbitMQ 3.10 can leave a close unanswered (see link.close).
	cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
	defer ccancel()
	_ = sess.Close(cctx)
	return r
}
