package commands_test

import (
	"context"
	"testing"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// Bulk export (README, Performance, target 2): 10,000 records from the mock
// server answering every request after 20 ms, with the sequential marker
// loop (History) and with Export's concurrent marker windows. The history
// is generated (GenerateCommands), which the public fake does not offer:
// its pages cost the server next to nothing, so the figures measure the
// client.

func exportBench(b *testing.B, n int, latency time.Duration, iterate func(c *commands.Client) func(func(commands.Command, error) bool), work func(i int)) {
	s := mockserver.New()
	b.Cleanup(s.Close)
	s.GenerateCommands("gen", n)
	s.SetLatency(mockserver.RouteHistory, latency)
	c, err := commands.NewClient(commands.Config{Endpoint: s.URL(), ProjectID: mockserver.ProjectID,
		Auth: auth.AKSK(mockserver.AccessKey, mockserver.SecretKey)}, iotclient.WithBackoff(time.Millisecond, 4*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		for _, err := range iterate(c) {
			if err != nil {
				b.Fatal(err)
			}
			if work != nil {
				work(got)
			}
			got++
		}
		if got != n {
			b.Fatalf("%d records, want %d", got, n)
		}
	}
}

// cpuWork stands for a caller computing 40 µs on each record: it keeps a
// CPU busy (which, on 2 cores, the in-process mock server competes for).
func cpuWork(int) {
	for start := time.Now(); time.Since(start) < 40*time.Microsecond; {
	}
}

// ioWork stands for a caller writing records out in batches of 50, each
// write waiting 2 ms for its destination.
func ioWork(i int) {
	if i%50 == 49 {
		time.Sleep(2 * time.Millisecond)
	}
}

func history(ctx context.Context) func(c *commands.Client) func(func(commands.Command, error) bool) {
	return func(c *commands.Client) func(func(commands.Command, error) bool) {
		return c.History(ctx, "gen", commands.HistoryQuery{})
	}
}

func export(ctx context.Context, conc int) func(c *commands.Client) func(func(commands.Command, error) bool) {
	return func(c *commands.Client) func(func(commands.Command, error) bool) {
		return c.Export(ctx, "gen", commands.HistoryQuery{}, commands.ExportOptions{Concurrency: conc})
	}
}

// BenchmarkHistorySequential is the sequential marker loop: 201 requests
// one after the other.
func BenchmarkHistorySequential(b *testing.B) {
	exportBench(b, 10_000, 20*time.Millisecond, history(context.Background()), nil)
}

// BenchmarkExportParallel is Export with its default concurrency (a window
// of 11 pages at once).
func BenchmarkExportParallel(b *testing.B) {
	exportBench(b, 10_000, 20*time.Millisecond, export(context.Background(), 0), nil)
}

// Prefetch (README, Performance, target 3): 1,000 records, 2 ms per
// request, with History (no prefetch) and Export with concurrency 1 (the
// next page fetched while the caller works on the current one), for three
// callers: one doing nothing with the records (and no added latency: there
// is nothing to hide), one waiting 2 ms for I/O every 50 records, and one
// computing 40 µs on each.

func BenchmarkHistoryFastCaller(b *testing.B) {
	exportBench(b, 1000, 0, history(context.Background()), nil)
}

func BenchmarkPrefetchFastCaller(b *testing.B) {
	exportBench(b, 1000, 0, export(context.Background(), 1), nil)
}

func BenchmarkHistoryIOCaller(b *testing.B) {
	exportBench(b, 1000, 2*time.Millisecond, history(context.Background()), ioWork)
}

func BenchmarkPrefetchIOCaller(b *testing.B) {
	exportBench(b, 1000, 2*time.Millisecond, export(context.Background(), 1), ioWork)
}

func BenchmarkHistoryCPUCaller(b *testing.B) {
	exportBench(b, 1000, 2*time.Millisecond, history(context.Background()), cpuWork)
}

func BenchmarkPrefetchCPUCaller(b *testing.B) {
	exportBench(b, 1000, 2*time.Millisecond, export(context.Background(), 1), cpuWork)
}
