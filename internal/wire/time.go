// Package wire holds the platforms' wire formats for times, so that the
// public types speak time.Time and never a format string.
package wire

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
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
// second; "" is the zero time. An error holds a copy of s, so that s does
// not escape and the decoders' stack buffers stay on the stack.
func ParseCompact(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := parseCompactSeconds(s); ok {
		return t, nil
	}
	t, err := time.Parse(CompactLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not in the format yyyyMMddTHHmmss[.SSS]Z", strings.Clone(s))
	}
	return t, nil
}

// parseCompactSeconds parses the form every record's times take,
// yyyyMMddTHHmmssZ, with no fraction; ok is false for anything else, which
// time.Parse then decides. A page holds hundreds of times, and time.Parse's
// general layout matching is most of a page's decoding cost; FuzzParseCompact
// checks this path against time.Parse.
func parseCompactSeconds(s string) (t time.Time, ok bool) {
	if len(s) != len(CompactLayout) || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	var n [6]int // year, month, day, hour, minute, second
	for i, span := range [...][2]int{{0, 4}, {4, 6}, {6, 8}, {9, 11}, {11, 13}, {13, 15}} {
		for _, c := range []byte(s[span[0]:span[1]]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	t = time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	// time.Date normalises out-of-range fields (February 30th becomes March
	// 1st or 2nd), where time.Parse refuses them.
	if n[3] > 23 || n[4] > 59 || n[5] > 59 || t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return time.Time{}, false
	}
	return t, true
}

// FormatIBM renders t in UTC as RFC 3339 with milliseconds.
func FormatIBM(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ParseIBM parses an RFC 3339 time with or without fractional seconds; ""
// is the zero time. The result is in UTC. Like ParseCompact, it does not
// let s escape.
func ParseIBM(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", strings.Clone(s))
	}
	return t.UTC(), nil
}

// CompactTime is a time in IoTDA's compact UTC format, both ways: in a
// query (go-querystring's Encoder, the zero time left out) and in a JSON
// response (a string, "" or null being the zero time).
type CompactTime time.Time

// Time returns t as a time.Time.
func (t CompactTime) Time() time.Time { return time.Time(t) }

// EncodeValues adds the time under key unless it is zero.
func (t CompactTime) EncodeValues(key string, v *url.Values) error {
	return encode(key, v, time.Time(t), FormatCompact)
}

var errCompactNotString = errors.New("expected a time string")

// UnmarshalJSONFrom reads a JSON string in the compact format, "" or null.
func (t *CompactTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tt, err := readTime(dec, false)
	if err == nil {
		*t = CompactTime(tt)
	}
	return err
}

// IBMTime is a time as IBM Watson IoT writes it, in JSON bodies and in
// query parameters: an RFC 3339 string, normally UTC with milliseconds
// ("2018-09-27T08:40:54.456Z"). The zero time means absent: null and ""
// decode to it, and a query leaves it out.
type IBMTime time.Time

// Time returns the time in UTC (the zero time when absent).
func (t IBMTime) Time() time.Time { return time.Time(t) }

// EncodeValues adds the time under key unless it is zero.
func (t IBMTime) EncodeValues(key string, v *url.Values) error {
	return encode(key, v, time.Time(t), FormatIBM)
}

// Errors of IBMTime's decoder; the JSON decoder puts the member's path in
// front of them.
var (
	errIBMNotString = errors.New("not an RFC 3339 time string")
	errIBMNotTime   = errors.New("not an RFC 3339 time")
)

// UnmarshalJSONFrom reads an RFC 3339 time string, "" or null.
func (t *IBMTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tt, err := readTime(dec, true)
	if err == nil {
		*t = IBMTime(tt)
	}
	return err
}

// MarshalJSONTo writes the time with FormatIBM (so that a value decoded and
// encoded again reads the same); the zero time is written as "".
func (t IBMTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	s := ""
	if tt := time.Time(t); !tt.IsZero() {
		s = FormatIBM(tt)
	}
	return enc.WriteToken(jsontext.String(s))
}

func encode(key string, v *url.Values, t time.Time, format func(time.Time) string) error {
	if !t.IsZero() {
		v.Set(key, format(t))
	}
	return nil
}

// readTime reads a JSON string in IBM's format or IoTDA's, or null (the
// zero time). The string is unquoted into a buffer on the stack, which
// the parsers do not let escape: a page holds hundreds of times.
func readTime(dec *jsontext.Decoder, ibm bool) (time.Time, error) {
	v, err := dec.ReadValue()
	switch {
	case err != nil:
		return time.Time{}, err
	case v.Kind() == 'n':
		return time.Time{}, nil
	case v.Kind() != '"' && ibm:
		return time.Time{}, errIBMNotString
	case v.Kind() != '"':
		return time.Time{}, errCompactNotString
	}
	var buf [40]byte
	b, err := jsontext.AppendUnquote(buf[:0], v)
	switch {
	case err != nil:
		return time.Time{}, err
	case !ibm:
		return ParseCompact(string(b))
	}
	t, err := ParseIBM(string(b))
	if err != nil {
		return time.Time{}, errIBMNotTime
	}
	return t, nil
}
