package wire

import (
	"testing"
	"time"
)

// The fast path of ParseCompact checks the calendar as time.Parse does:
// leap years (every 4th, not every 100th, every 400th), the months of 30
// days, and the ranges of each field.
func TestParseCompactCalendar(t *testing.T) {
	for _, s := range []string{
		"20240229T000000Z", "20230229T000000Z", "21000229T000000Z", "20000229T000000Z", "00000229T000000Z",
		"20240431T000000Z", "20240430T235959Z", "20241231T235959Z", "20241301T000000Z", "20240001T000000Z",
		"20240100T000000Z", "20240132T000000Z", "20240101T240000Z", "20240101T006000Z", "20240101T000060Z",
		"2024010１T000000Z", "2024-101T000000Z", "20240101t000000Z",
	} {
		got, ok := parseCompactSeconds(s)
		want, err := time.Parse(CompactLayout, s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("%q: fast path %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
}

// BenchmarkParsePush is the cost of each time of a forwarded document, in
// either format.
func BenchmarkParsePush(b *testing.B) {
	for _, s := range []string{"20151212T121212Z", "2015-12-12T12:12:12.815Z"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParsePush(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
