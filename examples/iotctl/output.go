package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// Output formats.
const (
	formatTable = "table"
	formatJSONL = "jsonl"
	formatCSV   = "csv"
)

// cellKind is what a cell holds, which decides how each format renders it.
type cellKind uint8

const (
	kindText   cellKind = iota // a string
	kindTime                   // a time; the zero time is absent
	kindNumber                 // an integer; absent when !ok
	kindBool                   // a boolean
	kindRaw                    // raw JSON; empty is absent
)

// cell is one value of a record.
type cell struct {
	kind cellKind
	s    string
	t    time.Time
	n    int64
	ok   bool // number present; boolean value
	opt  bool // text: the empty string is absent
	raw  json.RawMessage
}

func text(s string) cell               { return cell{kind: kindText, s: s} }
func optText(s string) cell            { return cell{kind: kindText, s: s, opt: true} }
func stamp(t time.Time) cell           { return cell{kind: kindTime, t: t} }
func number(n int64) cell              { return cell{kind: kindNumber, n: n, ok: true} }
func optNumber(n int64, ok bool) cell  { return cell{kind: kindNumber, n: n, ok: ok} }
func boolean(b bool) cell              { return cell{kind: kindBool, ok: b} }
func rawJSON(raw json.RawMessage) cell { return cell{kind: kindRaw, raw: raw} }

// absent reports whether the cell holds no value: a zero time, a missing
// number, empty raw JSON, or an optional text that is empty.
func (c cell) absent() bool {
	switch c.kind {
	case kindText:
		return c.opt && c.s == ""
	case kindTime:
		return c.t.IsZero()
	case kindNumber:
		return !c.ok
	case kindRaw:
		return len(c.raw) == 0
	}
	return false
}

// column is one field of a record of type T.
type column[T any] struct {
	key       string // lowercase snake_case: the JSON key and the CSV header
	title     string // the table header
	get       func(*T) cell
	table     bool // shown in the table format (jsonl and csv show every column)
	tableOnly bool // shown in the table format only
	width     int  // the column's width in a streamed table (0: the title's)
}

// field is what a sink knows of a column: its names and width.
type field struct {
	key, title string
	width      int
}

// sinkOptions change how a table is laid out.
type sinkOptions struct {
	// vertical prints each record as "title  value" lines (for one record).
	vertical bool
	// stream writes each record at once (fixed-width table columns, csv and
	// jsonl flushed per record), for live output.
	stream bool
}

// sink writes rows of cells in one of the formats. close flushes what is
// buffered; it must be called even after an error (failed), so the rows
// written so far reach the output.
type sink interface {
	write(row []cell) error
	close(failed bool) error
}

// records writes records of type T: the format's columns of each, through
// a sink.
type records[T any] struct {
	cols []column[T]
	sink sink
	row  []cell
}

// newSink returns the writer of records in format (already validated).
func newSink[T any](format string, w io.Writer, cols []column[T], opts sinkOptions) *records[T] {
	keep := func(c column[T]) bool { return !c.tableOnly } // jsonl and csv
	if format == formatTable && !opts.vertical {
		keep = func(c column[T]) bool { return c.table || c.tableOnly }
	}
	r := &records[T]{}
	var fields []field
	for _, c := range cols {
		if keep(c) {
			r.cols = append(r.cols, c)
			fields = append(fields, field{key: c.key, title: c.title, width: c.width})
		}
	}
	switch {
	case format == formatJSONL:
		r.sink = &jsonlSink{w: bufio.NewWriterSize(w, 64<<10), fields: fields, stream: opts.stream}
	case format == formatCSV:
		r.sink = &csvSink{w: csv.NewWriter(w), fields: fields, stream: opts.stream}
	case opts.stream:
		r.sink = &streamTableSink{w: w, fields: fields}
	case opts.vertical:
		r.sink = &verticalSink{tw: newTabWriter(w), fields: fields}
	default:
		r.sink = &tableSink{tw: newTabWriter(w), fields: fields}
	}
	return r
}

func (r *records[T]) write(rec *T) error {
	r.row = r.row[:0]
	for _, c := range r.cols {
		r.row = append(r.row, c.get(rec))
	}
	return r.sink.write(r.row)
}

func (r *records[T]) close(failed bool) error { return r.sink.close(failed) }

func newTabWriter(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// ---- jsonl: one object per line, keys in column order, RFC 3339 times.

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
		var compact bytes.Buffer
		if json.Compact(&compact, c.raw) != nil {
			return appendJSONString(b, string(c.raw)) // not JSON: keep it, as a string
		}
		return append(b, compact.Bytes()...)
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

// appendJSONString appends s as a JSON string. Unlike encoding/json it
// leaves <, > and & alone; invalid UTF-8 becomes U+FFFD. DEL, the C1
// controls and the bidirectional controls, which JSON allows as they are,
// are escaped too (see escapeText): a terminal would obey them.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || needsEscape(r, size): // 2028, 2029: valid JSON, but not in JavaScript strings
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// ---- csv: a header row of the JSON keys, then one row per record.

type csvSink struct {
	w      *csv.Writer
	fields []field
	stream bool
	line   []string
	header bool
}

func (s *csvSink) writeHeader() error {
	s.header = true
	s.line = make([]string, len(s.fields))
	for i, f := range s.fields {
		s.line[i] = f.key
	}
	return s.w.Write(s.line)
}

func (s *csvSink) write(row []cell) error {
	if !s.header {
		if err := s.writeHeader(); err != nil {
			return err
		}
	}
	for i := range s.fields {
		s.line[i] = csvValue(row[i])
	}
	if err := s.w.Write(s.line); err != nil {
		return err
	}
	if s.stream {
		s.w.Flush()
		return s.w.Error()
	}
	return nil
}

// close writes the header if no record came, so an empty result is still
// a valid CSV file with its columns (but not after a failure: stdout then
// stays empty).
func (s *csvSink) close(failed bool) error {
	if !s.header && !failed {
		if err := s.writeHeader(); err != nil {
			return err
		}
	}
	s.w.Flush()
	return s.w.Error()
}

func csvValue(c cell) string {
	if c.absent() {
		return ""
	}
	switch c.kind {
	case kindTime:
		return string(appendTime(nil, c.t))
	case kindNumber:
		return strconv.FormatInt(c.n, 10)
	case kindBool:
		return strconv.FormatBool(c.ok)
	case kindRaw:
		var compact bytes.Buffer
		if json.Compact(&compact, c.raw) != nil {
			return escapeText(string(c.raw), csvKeep)
		}
		return escapeText(compact.String(), csvKeep)
	}
	return escapeText(c.s, csvKeep)
}

// csvKeep are the controls a CSV cell keeps: its quoting carries them, and
// they move no cursor back.
const csvKeep = "\n\t"

// ---- table: aligned columns for people; "-" for an absent value.

// tableValue renders a cell for a table: times in UTC to the second, a
// dash for anything absent, no tabs or line breaks.
func tableValue(c cell) string {
	if c.absent() {
		return "-"
	}
	switch c.kind {
	case kindTime:
		return c.t.UTC().Format(time.RFC3339)
	case kindNumber:
		return strconv.FormatInt(c.n, 10)
	case kindBool:
		if c.ok {
			return "yes"
		}
		return "no"
	case kindRaw:
		return escapeText(oneLine(csvValue(c)), "")
	}
	if c.s == "" {
		return "-"
	}
	return escapeText(oneLine(c.s), "")
}

var lineBreaks = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ")

func oneLine(s string) string {
	if strings.ContainsAny(s, "\t\r\n") {
		return lineBreaks.Replace(s)
	}
	return s
}

// tableSink aligns the whole output, so it writes when closed.
type tableSink struct {
	tw     *tabwriter.Writer
	fields []field
	header bool
	line   []byte
}

func (s *tableSink) writeLine(value func(i int) string) error {
	b := s.line[:0]
	for i := range s.fields {
		if i > 0 {
			b = append(b, '\t')
		}
		b = append(b, value(i)...)
	}
	b = append(b, '\n')
	s.line = b
	_, err := s.tw.Write(b)
	return err
}

func (s *tableSink) write(row []cell) error {
	return writeRow(&s.header, s.fields, row, s.writeLine)
}

// writeRow writes row through writeLine, after the header line before the
// first row.
func writeRow(header *bool, fields []field, row []cell, writeLine func(value func(i int) string) error) error {
	if !*header {
		*header = true
		if err := writeLine(func(i int) string { return fields[i].title }); err != nil {
			return err
		}
	}
	return writeLine(func(i int) string { return tableValue(row[i]) })
}

// close prints the header only when there were records: an empty table
// prints nothing (the caller says so on stderr).
func (s *tableSink) close(bool) error { return s.tw.Flush() }

// verticalSink prints every column of each record as "title  value".
type verticalSink struct {
	tw     *tabwriter.Writer
	fields []field
	n      int
}

func (s *verticalSink) write(row []cell) error {
	if s.n++; s.n > 1 {
		if _, err := io.WriteString(s.tw, "\n"); err != nil {
			return err
		}
	}
	for i, f := range s.fields {
		if _, err := fmt.Fprintf(s.tw, "%s\t%s\n", f.title, tableValue(row[i])); err != nil {
			return err
		}
	}
	return nil
}

func (s *verticalSink) close(bool) error { return s.tw.Flush() }

// streamTableSink writes each record at once in fixed-width columns (a
// longer value pushes the rest of its line to the right).
type streamTableSink struct {
	w      io.Writer
	fields []field
	header bool
	line   []byte
}

func (s *streamTableSink) writeLine(value func(i int) string) error {
	b := s.line[:0]
	for i, f := range s.fields {
		v := value(i)
		b = append(b, v...)
		if i == len(s.fields)-1 {
			break
		}
		for n := utf8.RuneCountInString(v); n < max(f.width, len(f.title)); n++ {
			b = append(b, ' ')
		}
		b = append(b, ' ', ' ')
	}
	b = append(bytes.TrimRight(b, " "), '\n')
	s.line = b
	_, err := s.w.Write(b)
	return err
}

func (s *streamTableSink) write(row []cell) error {
	return writeRow(&s.header, s.fields, row, s.writeLine)
}

func (s *streamTableSink) close(bool) error { return nil }

// export writes every record of seq (at most limit, 0 for all) to out,
// counting them on prog, then closes out. mapErr, when not nil, may turn an
// iteration error into a clearer one. It returns how many records it wrote.
func export[T any](seq func(func(T, error) bool), out *records[T], prog *progress, limit int, mapErr func(error) error) (int, error) {
	err := func() error {
		for rec, err := range seq {
			if err != nil {
				if mapErr != nil {
					err = mapErr(err)
				}
				return err
			}
			if err := out.write(&rec); err != nil {
				return writeError(err)
			}
			prog.add()
			if prog.n == limit {
				break // the iterator fetches no further page
			}
		}
		return nil
	}()
	prog.finish()
	if cerr := out.close(err != nil); err == nil && cerr != nil {
		err = writeError(cerr)
	}
	return prog.n, err
}

// writeJSON prints v as one JSON document: indented for --format json, on
// one line for jsonl.
func writeJSON(w io.Writer, format string, v any) error {
	marshal := json.Marshal
	if format == formatJSON {
		marshal = func(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
	}
	b, err := marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeView prints one view (--summary, --flapping) in the format: v as
// one JSON object, rows (the header first) as csv, or else the table.
func writeView(w io.Writer, format string, v any, rows [][]string, table func(io.Writer) error) error {
	switch format {
	case formatJSON, formatJSONL:
		return writeJSON(w, format, v)
	case formatCSV:
		for _, r := range rows {
			for i := range r {
				r[i] = escapeText(r[i], csvKeep)
			}
		}
		return csv.NewWriter(w).WriteAll(rows)
	}
	return table(w)
}
