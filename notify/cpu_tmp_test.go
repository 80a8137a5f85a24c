package notify_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/notify"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkCPUDecodeDispatch(b *testing.B) {
	start := cpuNow()
	BenchmarkDecodeDispatch(b)
	b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkCPUDecodeOnly(b *testing.B) {
	docs := benchDocs()
	start := cpuNow()
	for i := 0; b.Loop(); i++ {
		if _, err := notify.Decode(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkCPUPlainV2(b *testing.B) {
	docs := benchDocs()
	start := cpuNow()
	for i := 0; b.Loop(); i++ {
		var p plainDocument
		if err := json.Unmarshal(docs[i%len(docs)], &p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
}
