package notify_test

import (
	"syscall"
	"testing"
	"time"
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
