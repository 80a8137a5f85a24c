// Package wire holds the platforms' wire formats for times, so that the
// public types speak time.Time and never a format string.
package wire

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// CompactLayout is IoTDA's yyyyMMdd'T'HHmmss'Z' UTC format. When parsing, a
// fractional second may follow the seconds (20151212T121212.123Z), as
// time.Parse allows for any layout.
const CompactLayout = "20060102T150405Z"

// IBMLayout is IBM Watson IoT's RFC 3339 UTC format with milliseconds.
const IBMLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatCompact renders t in UTC in IoTDA's compact format, to the second
// (the precision the query parameters take).
func FormatCompact(t time.Time) string { return t.UTC().Format(CompactLayout) }

// ParseCompact parses IoTDA's compact format, with or without a fractional
// second; "" is the zero time. It accepts exactly what time.Parse accepts
// with CompactLayout.
func ParseCompact(s string) (time.Time, error) { return parseCompact(s) }

func parseCompact[S ~string | ~[]byte](s S) (time.Time, error) {
	if len(s) == 0 {
		return time.Time{}, nil
	}
	var (
		t   time.Time
		err error
	)
	if len(s) == len(CompactLayout) {
		// The usual form, parsed without time.Parse's layout interpretation:
		// it is on the hot path of every history record.
		t, err = parseCompactFast(s)
	} else {
		t, err = time.Parse(CompactLayout, string(s))
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not in the format yyyyMMddTHHmmss[.SSS]Z", s)
	}
	return t, nil
}

// parseCompactFast parses the fixed-width form without a fraction.
func parseCompactFast[S ~string | ~[]byte](s S) (time.Time, error) {
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

var errBadTime = errors.New("bad time")

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

// CompactTime is a time in IoTDA's compact UTC format, both ways: in a
// query (go-querystring's Encoder, the zero time left out) and in a JSON
// response (json v2's UnmarshalerFrom: a string, "" or null being the zero
// time).
type CompactTime time.Time

// EncodeValues adds the time under key unless it is zero.
func (t CompactTime) EncodeValues(key string, v *url.Values) error {
	if tt := time.Time(t); !tt.IsZero() {
		v.Set(key, FormatCompact(tt))
	}
	return nil
}

// UnmarshalJSONFrom reads a JSON string in the compact format, or null.
func (t *CompactTime) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*t = CompactTime{}
		return nil
	case '"':
		// Unquoted into a buffer on the stack: a time string is short.
		var buf [40]byte
		b, err := jsontext.AppendUnquote(buf[:0], v)
		if err != nil {
			return err
		}
		tt, err := parseCompact(b)
		if err != nil {
			return err
		}
		*t = CompactTime(tt)
		return nil
	}
	return fmt.Errorf("expected a time string, found %v", v.Kind())
}

// Time returns t as a time.Time.
func (t CompactTime) Time() time.Time { return time.Time(t) }
