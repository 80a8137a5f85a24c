// Package wire holds the platforms' wire formats for times, so that the
// public types speak time.Time and never a format string.
package wire

import (
	"fmt"
	"net/url"
	"time"
)

// CompactLayout is IoTDA's yyyyMMdd'T'HHmmss'Z' UTC format.
const CompactLayout = "20060102T150405Z"

// IBMLayout is IBM Watson IoT's RFC 3339 UTC format with milliseconds.
const IBMLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatCompact renders t in UTC in IoTDA's compact format.
func FormatCompact(t time.Time) string { return t.UTC().Format(CompactLayout) }

// ParseCompact parses IoTDA's compact format; "" is the zero time.
func ParseCompact(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) != len(CompactLayout) {
		return time.Time{}, fmt.Errorf("time %q is not in the format yyyyMMddTHHmmssZ", s)
	}
	t, err := parseCompactFast(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not in the format yyyyMMddTHHmmssZ", s)
	}
	return t, nil
}

// parseCompactFast parses the fixed-width layout without time.Parse's
// layout interpretation: it is on the hot path of every history record.
func parseCompactFast(s string) (time.Time, error) {
	if s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, errBadTime
	}
	var n [6]int
	spans := [6][2]int{{0, 4}, {4, 6}, {6, 8}, {9, 11}, {11, 13}, {13, 15}}
	for i, sp := range spans {
		v := 0
		for j := sp[0]; j < sp[1]; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return time.Time{}, errBadTime
			}
			v = v*10 + int(c-'0')
		}
		n[i] = v
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, errBadTime
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if t.Day() != n[2] { // 31 February and the like normalise into another month
		return time.Time{}, errBadTime
	}
	return t, nil
}

var errBadTime = fmt.Errorf("bad time")

// FormatIBM renders t in UTC as RFC 3339 with milliseconds.
func FormatIBM(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ParseIBM parses an RFC 3339 time with or without fractional seconds; ""
// is the zero time. The result is in UTC.
func ParseIBM(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", s)
	}
	return t.UTC(), nil
}

// CompactTime is a time sent in a query in IoTDA's compact UTC format; the
// zero time is left out. It implements go-querystring's Encoder.
type CompactTime time.Time

// EncodeValues adds the time under key unless it is zero.
func (t CompactTime) EncodeValues(key string, v *url.Values) error {
	if tt := time.Time(t); !tt.IsZero() {
		v.Set(key, FormatCompact(tt))
	}
	return nil
}
