package main

import (
	"bufio"
	"encoding/csv"
	"io"
	"text/tabwriter"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
	raw  jsontext.Value
}

func text(s string) cell              { return cell{kind: kindText, s: s} }
func optText(s string) cell           { return cell{kind: kindText, s: s, opt: true} }
func stamp(t time.Time) cell          { return cell{kind: kindTime, t: t} }
func number(n int64) cell             { return cell{kind: kindNumber, n: n, ok: true} }
func optNumber(n int64, ok bool) cell { return cell{kind: kindNumber, n: n, ok: ok} }
func boolean(b bool) cell             { return cell{kind: kindBool, ok: b} }
func rawJSON(raw []byte) cell         { return cell{kind: kindRaw, raw: raw} }

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
	// csvRaw writes csv cells as they are (--csv-raw), formulas included.
	csvRaw bool
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
		r.sink = &csvSink{w: csv.NewWriter(w), fields: fields, stream: opts.stream, raw: opts.csvRaw}
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
// one line for jsonl; what a terminal would obey in its strings is escaped
// as in the records' JSON (appendJSONEscaped).
func writeJSON(w io.Writer, format string, v any) error {
	// Map keys sorted, so a view prints the same each time.
	opts := []json.Options{json.Deterministic(true)}
	if format == formatJSON {
		opts = append(opts, jsontext.Multiline(true), jsontext.WithIndent("  "))
	}
	b, err := json.Marshal(v, opts...)
	if err != nil {
		return err
	}
	_, err = w.Write(append(appendJSONEscaped(nil, b), '\n'))
	return err
}

// writeView prints one view (--summary, --flapping) in the format of out:
// v as one JSON object, rows (the header first) as csv, or else the table.
func writeView(w io.Writer, out *common, v any, rows [][]string, table func(io.Writer) error) error {
	switch out.format {
	case formatJSON, formatJSONL:
		return writeJSON(w, out.format, v)
	case formatCSV:
		for _, r := range rows {
			for i := range r {
				r[i] = csvText(r[i], out.csvRaw)
			}
		}
		return csv.NewWriter(w).WriteAll(rows)
	}
	return table(w)
}
