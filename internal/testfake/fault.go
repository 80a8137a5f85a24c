package testfake

import (
	"strconv"
	"time"
)

// RetryAfter renders d as a Retry-After header value: whole seconds,
// rounded up (the header has no finer unit), or "" for d <= 0.
func RetryAfter(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	s := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(s), 10)
}

// Now is the reference time of a helper's server: t when set, else the
// moment the server starts; whole seconds, UTC, as the platforms report.
func Now(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second)
}
