// Package wire holds the platforms' time formats, so that the public types
// speak time.Time and never a format string.
package wire

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// CompactLayout is IoTDA's UTC format. Parsing also takes a fractional
// second (20151212T121212.123Z), as time.Parse does for any layout.
const CompactLayout = "20060102T150405Z"

// FormatCompact renders t in UTC in IoTDA's format, to the second.
func FormatCompact(t time.Time) string { return t.UTC().Format(CompactLayout) }

// ParseCompact parses IoTDA's format; "" is the zero time. An error copies
// s, so that s does not escape and the decoders' stack buffers stay there.
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
// yyyyMMddTHHmmssZ; ok is false for anything else, which time.Parse then
// decides. time.Parse's layout matching is most of a page's decoding cost;
// FuzzParseCompact checks this path against it.
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
	// time.Date normalises February 30th, where time.Parse refuses it.
	if n[3] > 23 || n[4] > 59 || n[5] > 59 || t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return time.Time{}, false
	}
	return t, true
}

// FormatIBM renders t in UTC as RFC 3339 with milliseconds.
func FormatIBM(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ParseIBM parses an RFC 3339 time into UTC; "" is the zero time. Like
// ParseCompact, it does not let s escape.
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

// CompactTime is a time in IoTDA's format, in a query (left out when zero)
// and in JSON (a string; "" and null are the zero time).
type CompactTime time.Time

// Time returns t as a time.Time.
func (t CompactTime) Time() time.Time { return time.Time(t) }

// EncodeValues adds the time under key unless it is zero.
func (t CompactTime) EncodeValues(key string, v *url.Values) error {
	return encode(key, v, t.Time(), FormatCompact)
}

var errCompactNotString = errors.New("expected a time string")

// UnmarshalJSONFrom reads a JSON string in the compact format, "" or null.
func (t *CompactTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return readTime(dec, (*time.Time)(t), false)
}

// IBMTime is a time as IBM Watson IoT writes it, normally UTC with
// milliseconds ("2018-09-27T08:40:54.456Z"), in JSON and in queries. The
// zero time means absent: null and "" decode to it, a query leaves it out.
type IBMTime time.Time

// Time returns the time in UTC (the zero time when absent).
func (t IBMTime) Time() time.Time { return time.Time(t) }

// EncodeValues adds the time under key unless it is zero.
func (t IBMTime) EncodeValues(key string, v *url.Values) error {
	return encode(key, v, t.Time(), FormatIBM)
}

// Errors of IBMTime's decoder; the JSON decoder puts the member's path in
// front of them.
var (
	errIBMNotString = errors.New("not an RFC 3339 time string")
	errIBMNotTime   = errors.New("not an RFC 3339 time")
)

// UnmarshalJSONFrom reads an RFC 3339 time string, "" or null.
func (t *IBMTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return readTime(dec, (*time.Time)(t), true)
}

// MarshalJSONTo writes the time with FormatIBM, the zero time as "".
func (t IBMTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	s := ""
	if !t.Time().IsZero() {
		s = FormatIBM(t.Time())
	}
	return enc.WriteToken(jsontext.String(s))
}

// encode adds t, formatted, under key unless it is zero.
func encode(key string, v *url.Values, t time.Time, format func(time.Time) string) error {
	if !t.IsZero() {
		v.Set(key, format(t))
	}
	return nil
}

// readTime reads into dst a JSON string in IBM's format or IoTDA's, or
// null (the zero time), unquoting it on the stack: a page holds hundreds.
func readTime(dec *jsontext.Decoder, dst *time.Time, ibm bool) error {
	v, err := dec.ReadValue()
	switch {
	case err != nil:
		return err
	case v.Kind() == 'n':
		*dst = time.Time{}
		return nil
	case v.Kind() != '"' && ibm:
		return errIBMNotString
	case v.Kind() != '"':
		return errCompactNotString
	}
	var buf [40]byte
	b, err := jsontext.AppendUnquote(buf[:0], v)
	if err != nil {
		return err
	}
	var t time.Time
	if ibm {
		if t, err = ParseIBM(string(b)); err != nil {
			return errIBMNotTime
		}
	} else if t, err = ParseCompact(string(b)); err != nil {
		return err
	}
	*dst = t
	return nil
}
