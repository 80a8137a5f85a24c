package commands_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// The concurrency benchmarks (README, Performance, target 5) fetch pages of
// 50 records from the in-process mock server over loopback HTTP with AK/SK
// signing, from one goroutine and from 16 goroutines sharing one client.
// The throughput ratio is the serial ns/op over the parallel ns/op. The
// history is generated (GenerateCommands), whose handler encodes without
// reflection, so that the in-process server leaves the client most of the
// two cores it shares with it.

func loopbackClient(b *testing.B) (*mockserver.Server, *commands.Client) {
	b.Helper()
	s := mockserver.New()
	b.Cleanup(s.Close)
	s.GenerateCommands("dev-1", 1000)
	c, err := commands.NewClient(commands.Config{Endpoint: s.URL(), ProjectID: mockserver.ProjectID,
		Auth: auth.AKSK(mockserver.AccessKey, mockserver.SecretKey)})
	if err != nil {
		b.Fatal(err)
	}
	return s, c
}

// BenchmarkLoopbackSerial fetches one page at a time from one goroutine.
func BenchmarkLoopbackSerial(b *testing.B) {
	_, c := loopbackClient(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := c.HistoryPage(ctx, "dev-1", commands.HistoryQuery{})
		if err != nil || len(p.Items) != 50 {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoopbackParallel16 fetches pages from 16 goroutines sharing one
// client.
func BenchmarkLoopbackParallel16(b *testing.B) {
	_, c := loopbackClient(b)
	ctx := context.Background()
	b.SetParallelism((16 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p, err := c.HistoryPage(ctx, "dev-1", commands.HistoryQuery{})
			if err != nil || len(p.Items) != 50 {
				b.Error(err)
				return
			}
		}
	})
}
