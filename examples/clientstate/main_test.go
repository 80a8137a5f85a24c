package main

import (
	"testing"
	"time"
)

// Durations read as people write them, in their two largest units.
func TestHuman(t *testing.T) {
	for d, want := range map[time.Duration]string{
		473*time.Hour + 42*time.Minute + 22*time.Second: "19d17h",
		48 * time.Hour:                        "2d",
		90 * time.Minute:                      "1h30m",
		3*time.Hour + 30*time.Second:          "3h",
		4*time.Minute + 10*time.Second:        "4m10s",
		12*time.Second + 400*time.Millisecond: "12s",
		0:                                     "0s",
		-90 * time.Second:                     "-1m30s",
	} {
		if got := human(d); got != want {
			t.Errorf("human(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestCut(t *testing.T) {
	if got := cut("d:ab12cd:sensor:s-1", 10); got != "d:ab12cd:…" {
		t.Errorf("cut = %q", got)
	}
	if got := cut("short", 10); got != "short" {
		t.Errorf("cut = %q", got)
	}
}
