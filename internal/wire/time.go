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
// FuzzParseCompact checks this path against it. The date is checked
// against the length of its month before time.Date, which would normalise
// February 30th where time.Parse refuses it.
func parseCompactSeconds(s string) (t time.Time, ok bool) {
	if len(s) != len(CompactLayout) || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[4:6])
	d, ok3 := digits(s[6:8])
	h, ok4 := digits(s[9:11])
	mi, ok5 := digits(s[11:13])
	sec, ok6 := digits(s[13:15])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) ||
		h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC), true
}

// digits returns the number s writes in decimal digits, false when s has
// anything else.
func digits(s string) (int, bool) {
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn is the number of days of month m (1 to 12) of year y.
func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FormatIBM renders t in UTC as RFC 3339 with milliseconds, the form of
// IBM's query parameters (a finer fraction is cut).
func FormatIBM(t time.Time) string { return t.UTC().Format(ibmLayout) }

const (
	ibmLayout      = "2006-01-02T15:04:05.000Z"
	ibmLayoutExact = "2006-01-02T15:04:05.000000000Z"
)

// errIBMYear is the error of a time RFC 3339 cannot write in UTC.
var errIBMYear = errors.New("outside the years 0000-9999 in UTC, which RFC 3339 cannot write")

// FormatIBMExact renders t in UTC as RFC 3339 with milliseconds, as IBM
// writes its records, and with as many more digits as t needs (up to
// nanoseconds), so that ParseIBM reads back the same instant. A time
// outside the years 0000-9999 in UTC has no RFC 3339 form: an error.
func FormatIBMExact(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", errIBMYear
	}
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format(ibmLayout), nil
	}
	s := t.Format(ibmLayoutExact) // nine digits: drop the trailing zeros
	frac := strings.TrimRight(s[len("2006-01-02T15:04:05."):len(s)-1], "0")
	return s[:len("2006-01-02T15:04:05.")] + frac + "Z", nil
}

// ParseIBM parses an RFC 3339 time into UTC; "" is the zero time. It takes
// RFC 3339 as IBM writes it (upper-case T and Z) and nothing wider: not
// the comma before the fraction, the one-digit hour or the 24-hour offset
// that time.Parse also takes. A time that falls outside the years
// 0000-9999 once in UTC (0000-01-01T00:00:00+01:00) is refused too, as no
// RFC 3339 UTC form could write it back. Like ParseCompact, it does not
// let s escape.
func ParseIBM(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if !isRFC3339(s) {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", strings.Clone(s))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", strings.Clone(s))
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return time.Time{}, fmt.Errorf("time %q is %w", strings.Clone(s), errIBMYear)
	}
	return t, nil
}

// isRFC3339 reports whether s has the shape of RFC 3339's date-time
// (section 5.6): yyyy-mm-ddThh:mm:ss, an optional "." and digits, then Z
// or an offset ±hh:mm under 24 hours. time.Parse checks the ranges of the
// date and time but, on its own, also takes forms RFC 3339 does not have.
func isRFC3339(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if len(s) <= len(shape) {
		return false
	}
	for i := range len(shape) {
		if shape[i] == 'd' && !isDigit(s[i]) || shape[i] != 'd' && s[i] != shape[i] {
			return false
		}
	}
	rest := s[len(shape):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == len("+07:00") && (rest[0] == '+' || rest[0] == '-') &&
		isDigit(rest[1]) && isDigit(rest[2]) && rest[3] == ':' && isDigit(rest[4]) && isDigit(rest[5]) &&
		(rest[1]-'0')*10+rest[2]-'0' < 24 && rest[4] < '6'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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
	return readTime(dec, (*time.Time)(t), compactFormat)
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

// UnmarshalJSONFrom reads an RFC 3339 time string (see ParseIBM), "" or
// null.
func (t *IBMTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return readTime(dec, (*time.Time)(t), ibmFormat)
}

// MarshalJSONTo writes the time with FormatIBMExact (milliseconds, or the
// digits the time needs, so that UnmarshalJSONFrom reads it back), the zero
// time as "". A time outside the years 0000-9999 in UTC is an error.
func (t IBMTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	s := ""
	if !t.Time().IsZero() {
		var err error
		if s, err = FormatIBMExact(t.Time()); err != nil {
			return err
		}
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

// timeFormat is the format readTime parses: a constant, not a parsing
// function, so that the unquoted string stays on the stack.
type timeFormat int

const (
	compactFormat timeFormat = iota // IoTDA's REST API (ParseCompact)
	ibmFormat                       // IBM Watson IoT (ParseIBM)
	pushFormat                      // IoTDA's forwarded documents (ParsePush)
)

// readTime reads into dst a JSON string in the format f, or null (the zero
// time), unquoting it on the stack: a page holds hundreds.
func readTime(dec *jsontext.Decoder, dst *time.Time, f timeFormat) error {
	ibm := f == ibmFormat
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
		if t, err = ParseIBM(string(b)); errors.Is(err, errIBMYear) {
			return errIBMYear
		} else if err != nil {
			return errIBMNotTime
		}
	} else if f == pushFormat {
		if t, err = ParsePush(string(b)); err != nil {
			return err
		}
	} else if t, err = ParseCompact(string(b)); err != nil {
		return err
	}
	*dst = t
	return nil
}
