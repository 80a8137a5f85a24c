package main

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// The csv format: a header row of the JSON keys, then one row per record.
// A spreadsheet opening the file runs a cell that starts like a formula,
// and the platform's strings could: such text cells get a ' in front
// (defuseFormula), unless --csv-raw asks for the cells as they are.

type csvSink struct {
	w      *csv.Writer
	fields []field
	stream bool
	raw    bool // no ' before formulas (--csv-raw)
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
		if k := row[i].kind; !s.raw && (k == kindText || k == kindRaw) {
			s.line[i] = defuseFormula(s.line[i]) // iotctl's own numbers, times and booleans are safe
		}
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
		compact := jsontext.Value(bytes.Clone(c.raw))
		if compact.Compact() != nil {
			return escapeText(string(c.raw), csvKeep)
		}
		return escapeText(string(compact), csvKeep)
	}
	return escapeText(c.s, csvKeep)
}

// csvText is a view's cell as csv writes it: escaped, and with a formula
// defused unless raw.
func csvText(s string, raw bool) string {
	s = escapeText(s, csvKeep)
	if !raw {
		s = defuseFormula(s)
	}
	return s
}

// defuseFormula puts a ' before s when a spreadsheet would take it for a
// formula: when it starts with =, +, -, @, a tab or a carriage return
// (OWASP's rule against CSV injection). A spreadsheet then shows the text
// as it is, without the '; a program reading the file sees the ', which
// is why --csv-raw turns this off.
func defuseFormula(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvKeep are the controls a CSV cell keeps: its quoting carries them, and
// they move no cursor back.
const csvKeep = "\n\t"
