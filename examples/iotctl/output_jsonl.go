package main

import (
	"bufio"
	"bytes"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// The jsonl format: one object per line, keys in column order, RFC 3339 times.

type jsonlSink struct {
	w      *bufio.Writer
	fields []field
	stream bool
	buf    []byte
}

func (s *jsonlSink) write(row []cell) error {
	b := append(s.buf[:0], '{')
	for i, f := range s.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.key)
		b = append(b, ':')
		b = appendJSONValue(b, row[i])
	}
	b = append(b, '}', '\n')
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	if s.stream {
		return s.w.Flush()
	}
	return nil
}

func (s *jsonlSink) close(bool) error { return s.w.Flush() }

func appendJSONValue(b []byte, c cell) []byte {
	if c.absent() {
		return append(b, "null"...)
	}
	switch c.kind {
	case kindTime:
		b = append(b, '"')
		b = appendTime(b, c.t)
		return append(b, '"')
	case kindNumber:
		return strconv.AppendInt(b, c.n, 10)
	case kindBool:
		return strconv.AppendBool(b, c.ok)
	case kindRaw:
		compact := jsontext.Value(bytes.Clone(c.raw))
		if compact.Compact() != nil {
			return appendJSONString(b, string(c.raw)) // not JSON: keep it, as a string
		}
		// JSON allows the C1 and bidirectional controls raw in a string.
		return appendJSONEscaped(b, compact)
	}
	return appendJSONString(b, c.s)
}

// rfc3339Milli is RFC 3339 with exactly three fractional digits.
const rfc3339Milli = "2006-01-02T15:04:05.000Z07:00"

// appendTime appends t in UTC as RFC 3339: whole seconds without a
// fraction, milliseconds with three digits, anything finer in full.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	switch ns := t.Nanosecond(); {
	case ns == 0:
		return t.AppendFormat(b, time.RFC3339)
	case ns%int(time.Millisecond) == 0:
		return t.AppendFormat(b, rfc3339Milli)
	}
	return t.AppendFormat(b, time.RFC3339Nano)
}

// appendJSONString appends s as a JSON string (jsontext.AppendQuote:
// invalid UTF-8 becomes \ufffd; <, > and & stay as they are), with what a
// terminal would obey escaped (appendJSONEscaped).
func appendJSONString(b []byte, s string) []byte {
	q, _ := jsontext.AppendQuote(nil, s) // the error only reports the U+FFFD replacements
	return appendJSONEscaped(b, q)
}
