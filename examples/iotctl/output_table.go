package main

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// The table formats: aligned columns for people; "-" for an absent value.

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

// tableText is a server's string as a table shows it (tableValue): on one
// line, escaped, a dash when empty. The views' tables write every server
// string through it.
func tableText(s string) string { return tableValue(text(s)) }

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
