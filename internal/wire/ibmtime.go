package wire

import (
	"bytes"
	"errors"
	"net/url"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// IBMTime is a time as IBM Watson IoT writes it, in JSON bodies and in
// query parameters: an RFC 3339 string, normally UTC with milliseconds
// ("2018-09-27T08:40:54.456Z"). The zero time means absent.
//
// In a body, null and "" decode to the zero time; anything else that is not
// an RFC 3339 string is an error. In a query (go-querystring's Encoder), the
// zero time is left out and any other time is sent with FormatIBM.
type IBMTime time.Time

// Time returns the time in UTC (the zero time when absent).
func (t IBMTime) Time() time.Time { return time.Time(t) }

// Errors of IBMTime's decoder; the JSON decoder puts the member's path in
// front of them.
var (
	errIBMNotString = errors.New("not an RFC 3339 time string")
	errIBMNotTime   = errors.New("not an RFC 3339 time")
)

// UnmarshalJSONFrom reads an RFC 3339 time string, "" or null. It parses
// the common fixed form straight from the decoder's buffer, so a record's
// times cost no allocation.
func (t *IBMTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '"' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if v.Kind() == 'n' {
			return nil
		}
		return errIBMNotString
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	raw := v[1 : len(v)-1]
	if bytes.IndexByte(raw, '\\') >= 0 { // escaped: rare, take the slow path
		s, err := jsontext.AppendUnquote(nil, v)
		if err != nil {
			return err
		}
		raw = s
	}
	if len(raw) == 0 {
		*t = IBMTime{}
		return nil
	}
	tt, ok := parseIBMFast(raw)
	if !ok {
		var err error
		if tt, err = ParseIBM(string(raw)); err != nil {
			return errIBMNotTime
		}
	}
	*t = IBMTime(tt)
	return nil
}

// MarshalJSONTo writes the time with FormatIBM (so that a value decoded and
// encoded again reads the same); the zero time is written as "".
func (t IBMTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	if tt := time.Time(t); !tt.IsZero() {
		return enc.WriteToken(jsontext.String(FormatIBM(tt)))
	}
	return enc.WriteToken(jsontext.String(""))
}

// EncodeValues adds the time under key unless it is zero (go-querystring's
// query.Encoder).
func (t IBMTime) EncodeValues(key string, v *url.Values) error {
	if tt := time.Time(t); !tt.IsZero() {
		v.Set(key, FormatIBM(tt))
	}
	return nil
}

// parseIBMFast parses "yyyy-mm-ddThh:mm:ss[.fff…]Z" without time.Parse's
// layout interpretation; ok is false for any other form (an offset other
// than Z, say), which the caller hands to ParseIBM.
func parseIBMFast(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for j := i; j < i+n; j++ {
			c := b[j]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	var f [6]int
	for k, sp := range [6][2]int{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		v, ok := num(sp[0], sp[1])
		if !ok {
			return time.Time{}, false
		}
		f[k] = v
	}
	nsec := 0
	if frac := b[19 : len(b)-1]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		scale := 100_000_000
		for _, c := range frac[1:] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec += int(c-'0') * scale
			scale /= 10
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC)
	if t.Day() != f[2] { // 31 February and the like normalise into another month
		return time.Time{}, false
	}
	return t, true
}
