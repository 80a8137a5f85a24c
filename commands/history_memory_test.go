package commands_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// liveHeap is the heap still in use after a full collection.
func liveHeap() (alloc, inuse uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.HeapInuse
}

// Iterating a million records (README, Performance, target 4) keeps the
// live heap flat: it is measured after a collection before the iteration,
// every 100,000 records during it, and after it; the largest growth must
// stay under 4 MiB. The mock server generates the records on the fly, so
// its memory is flat too, and it runs in this process: the figure covers
// both sides. About 20,000 requests: a few seconds; under -race, which is
// ten times slower, it iterates 250,000 records (and History only), and
// -short skips it.
func TestHistoryMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("iterates a million records (20,000 requests); skipped with -short")
	}
	n := 1_000_000
	if raceEnabled {
		n = 250_000
	}
	s := mockserver.New()
	defer s.Close()
	s.GenerateCommands("gen", n) // the public fake would store them: its heap would grow
	c, err := commands.NewClient(commands.Config{Endpoint: s.URL(), ProjectID: mockserver.ProjectID,
		Auth: auth.AKSK(mockserver.AccessKey, mockserver.SecretKey)})
	require.NoError(t, err)
	ctx := context.Background()

	for _, tc := range []struct {
		name string
		seq  func() func(func(commands.Command, error) bool)
	}{
		{"History", func() func(func(commands.Command, error) bool) { return c.History(ctx, "gen", commands.HistoryQuery{}) }},
		{"Export", func() func(func(commands.Command, error) bool) {
			return c.Export(ctx, "gen", commands.HistoryQuery{}, commands.ExportOptions{})
		}},
	} {
		if tc.name == "Export" && raceEnabled {
			continue // the same code paths as History, ten times slower under -race
		}
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			before, beforeInuse := liveHeap()
			peak, peakInuse := before, beforeInuse
			got := 0
			var prevID string
			for cmd, err := range tc.seq() {
				require.NoError(t, err)
				if got == 0 {
					require.Equal(t, mockserver.GeneratedID(n-1), cmd.ID)
				} else if cmd.ID >= prevID {
					t.Fatalf("record %d: %s after %s", got, cmd.ID, prevID)
				}
				prevID = cmd.ID
				got++
				if got%(n/10) == 0 {
					a, in := liveHeap()
					peak, peakInuse = max(peak, a), max(peakInuse, in)
				}
			}
			require.Equal(t, n, got)
			after, afterInuse := liveHeap()
			peak, peakInuse = max(peak, after), max(peakInuse, afterInuse)
			growth := int64(peak) - int64(before)
			t.Logf("%d records in %v; live heap %.2f MiB before, %.2f MiB at most (+%.2f MiB), %.2f MiB after; in use %.2f MiB before, %.2f MiB at most",
				got, time.Since(start).Round(time.Millisecond), mib(before), mib(peak), float64(growth)/(1<<20), mib(after), mib(beforeInuse), mib(peakInuse))
			require.Less(t, growth, int64(4<<20), "the live heap grew by more than 4 MiB")
		})
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
