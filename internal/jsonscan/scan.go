// Package jsonscan is a validating, allocation-free JSON tokenizer for the
// SDK's hand-written decoders of hot response types (a history page, a list
// of client states): a decoder walks the text once, reading the members it
// knows and skipping (while still validating) the rest, without reflection
// and without a separate validation pass.
//
// It accepts exactly the texts encoding/json accepts (RFC 8259, nesting up
// to 10,000 levels), and unescapes strings as encoding/json does: escapes
// decoded, invalid UTF-8 and lone surrogates replaced with U+FFFD. Its
// errors give the byte offset and what was expected and found.
//
// Usage:
//
//	var s jsonscan.Scanner
//	s.Reset(data)
//	if s.Object() {
//		for name, ok := s.Field(); ok; name, ok = s.Field() {
//			switch string(name) {
//			case "id":
//				id = string(s.String())
//			default:
//				s.Skip()
//			}
//		}
//	}
//	s.End()
//	if err := s.Err(); err != nil { ... }
//
// The first error sticks: every later call returns a zero value, and loops
// over Field and Elem end, so a decoder checks Err once at the end.
package jsonscan

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting accepted, as in encoding/json.
const MaxDepth = 10000

// Kind is the type of the next JSON value.
type Kind uint8

// The kinds of JSON values. Invalid is anything else, including the end of
// the input.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{
	Invalid: "invalid", Null: "null", Bool: "a boolean", Number: "a number",
	String: "a string", Array: "an array", Object: "an object",
}

// String names the kind for messages ("a string", "an object").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

// Error is a syntax error, or a value of the wrong kind reported by a
// decoder through Expected.
type Error struct {
	// Offset is the byte offset in the input where the problem was found.
	Offset int
	// Msg says what was expected and what was found.
	Msg string
}

func (e *Error) Error() string {
	return "at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Scanner reads one JSON text. The zero value is ready after Reset. A
// Scanner must not be used concurrently; it can be reused with Reset.
type Scanner struct {
	data  []byte
	pos   int
	depth int
	fresh bool // an object or array was just opened
	err   error
	buf   []byte // unescaped strings
}

// Reset starts reading data, forgetting any earlier text and error. The
// scanner keeps its scratch memory.
func (s *Scanner) Reset(data []byte) {
	s.data, s.pos, s.depth, s.fresh, s.err = data, 0, 0, false, nil
	s.buf = s.buf[:0]
}

// Err returns the first error met, or nil.
func (s *Scanner) Err() error { return s.err }

// Offset is the current byte offset in the input.
func (s *Scanner) Offset() int { return s.pos }

// fail records msg at the current offset unless an error is already
// recorded, and stops the scan.
func (s *Scanner) fail(msg string) {
	if s.err == nil {
		s.err = &Error{Offset: s.pos, Msg: msg}
	}
	s.pos = len(s.data)
}

// Fail records an error of the caller's at the current offset (unless one
// is already recorded) and stops the scan.
func (s *Scanner) Fail(msg string) { s.fail(msg) }

// Expected records that the next value is not what the caller wanted:
// "expected WHAT, found KIND". It does not consume anything.
func (s *Scanner) Expected(what string) {
	if s.err != nil {
		return
	}
	s.fail("expected " + what + ", found " + s.found())
}

// found describes the next byte for an error message.
func (s *Scanner) found() string {
	c := s.ws()
	if s.pos >= len(s.data) {
		return "the end of the input"
	}
	if k := kindOf(c); k != Invalid {
		return k.String()
	}
	return "character " + strconv.QuoteRune(rune(c))
}

func (s *Scanner) unexpected(what string) {
	if s.err != nil {
		return
	}
	if s.ws(); s.pos >= len(s.data) {
		s.fail("unexpected end of JSON input, expected " + what)
		return
	}
	c := s.data[s.pos]
	found := "character " + strconv.QuoteRune(rune(c))
	if c >= utf8.RuneSelf {
		found = "byte " + strconv.Quote(string(s.data[s.pos:s.pos+1]))
	}
	s.fail("expected " + what + ", found " + found)
}

// ws skips white space and returns the next byte (0 at the end).
func (s *Scanner) ws() byte {
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c > ' ' {
			return c
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

func kindOf(c byte) Kind {
	switch c {
	case '"':
		return String
	case '{':
		return Object
	case '[':
		return Array
	case 't', 'f':
		return Bool
	case 'n':
		return Null
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return Number
	}
	return Invalid
}

// Peek returns the kind of the next value without consuming it (Invalid
// after an error or at the end).
func (s *Scanner) Peek() Kind {
	if s.err != nil {
		return Invalid
	}
	c := s.ws()
	if s.pos >= len(s.data) {
		return Invalid
	}
	return kindOf(c)
}

// Null consumes a null and reports true, or reports false and consumes
// nothing when the next value is not null.
func (s *Scanner) Null() bool {
	if s.err != nil || s.ws() != 'n' {
		return false
	}
	s.literal("null")
	return s.err == nil
}

func (s *Scanner) literal(lit string) {
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return
	}
	// Find the first byte that differs, for the message.
	for i := 0; i < len(lit); i++ {
		if s.pos+i >= len(s.data) {
			s.pos += i
			s.fail("unexpected end of JSON input in literal " + lit)
			return
		}
		if s.data[s.pos+i] != lit[i] {
			s.pos += i
			s.unexpected("literal " + lit)
			return
		}
	}
}

func (s *Scanner) open(c byte, what string) bool {
	if s.err != nil {
		return false
	}
	if s.ws() != c || s.pos >= len(s.data) {
		s.Expected(what)
		return false
	}
	s.pos++
	s.depth++
	if s.depth > MaxDepth {
		s.fail("exceeded max depth")
		return false
	}
	s.fresh = true
	return true
}

// Object consumes the '{' that opens an object and reports true; when the
// next value is not an object it records an error and reports false. Read
// the members with Field.
func (s *Scanner) Object() bool { return s.open('{', "an object") }

// Array consumes the '[' that opens an array and reports true; when the
// next value is not an array it records an error and reports false. Read
// the elements with Elem.
func (s *Scanner) Array() bool { return s.open('[', "an array") }

// Field moves to the next member of the object being read and returns its
// name (unescaped), with the scanner at the member's value, which the caller
// must then read or Skip. It reports false, having consumed the closing
// '}', when the object has no more members (or after an error). The name is
// valid until the next call on s.
func (s *Scanner) Field() ([]byte, bool) {
	if s.err != nil {
		return nil, false
	}
	c := s.ws()
	if s.fresh {
		s.fresh = false
		if c == '}' {
			s.pos++
			s.depth--
			return nil, false
		}
	} else {
		switch c {
		case '}':
			s.pos++
			s.depth--
			return nil, false
		case ',':
			s.pos++
			c = s.ws()
		default:
			s.unexpected("',' or '}' after an object member")
			return nil, false
		}
	}
	if c != '"' || s.pos >= len(s.data) {
		s.unexpected("a string (an object member name)")
		return nil, false
	}
	name := s.str()
	if s.err != nil {
		return nil, false
	}
	if s.ws() != ':' {
		s.unexpected("':' after an object member name")
		return nil, false
	}
	s.pos++
	return name, true
}

// Elem moves to the next element of the array being read, reporting true
// with the scanner at the element, which the caller must then read or Skip.
// It reports false, having consumed the closing ']', when the array has no
// more elements (or after an error).
func (s *Scanner) Elem() bool {
	if s.err != nil {
		return false
	}
	c := s.ws()
	if s.fresh {
		s.fresh = false
		if c == ']' {
			s.pos++
			s.depth--
			return false
		}
		return true
	}
	switch c {
	case ']':
		s.pos++
		s.depth--
		return false
	case ',':
		s.pos++
		return true
	}
	s.unexpected("',' or ']' after an array element")
	return false
}

// String reads a string value and returns its unescaped contents, which
// share memory with the input or with the scanner's scratch buffer: they
// are valid until the next call on s. When the next value is not a string
// it records an error and returns nil.
func (s *Scanner) String() []byte {
	if s.err != nil {
		return nil
	}
	if s.ws() != '"' || s.pos >= len(s.data) {
		s.Expected("a string")
		return nil
	}
	return s.str()
}

// str reads the string that starts at s.data[s.pos] == '"'.
func (s *Scanner) str() []byte {
	start := s.pos + 1
	data := s.data
	for i := start; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			s.pos = i + 1
			return data[start:i]
		case c == '\\' || c < ' ' || c >= utf8.RuneSelf:
			return s.strSlow(start, i)
		}
	}
	s.pos = len(data)
	s.fail("unexpected end of JSON input in a string")
	return nil
}

// strSlow unescapes the string that starts at data[start] from data[i] on,
// where the first byte needing attention is, as encoding/json does.
func (s *Scanner) strSlow(start, i int) []byte {
	data := s.data
	b := append(s.buf[:0], data[start:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.buf = b
			return b
		case c < ' ':
			s.pos = i
			s.fail("invalid control character " + strconv.QuoteRune(rune(c)) + " in a string")
			return nil
		case c == '\\':
			if i+1 >= len(data) {
				s.pos = len(data)
				s.fail("unexpected end of JSON input in a string escape")
				return nil
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
				i += 2
			case 'b':
				b = append(b, '\b')
				i += 2
			case 'f':
				b = append(b, '\f')
				i += 2
			case 'n':
				b = append(b, '\n')
				i += 2
			case 'r':
				b = append(b, '\r')
				i += 2
			case 't':
				b = append(b, '\t')
				i += 2
			case 'u':
				r := hex4(data, i+2)
				if r < 0 {
					s.pos = i
					s.fail("invalid \\u escape in a string")
					return nil
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r1 := u4(data, i); r1 >= 0 {
						if dec := utf16.DecodeRune(r, r1); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							i += 6
							break
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				s.pos = i
				s.fail("invalid escape " + strconv.Quote(string(data[i:i+2])) + " in a string")
				return nil
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, data[i:i+size]...)
			}
			i += size
		}
	}
	s.buf = b
	s.pos = len(data)
	s.fail("unexpected end of JSON input in a string")
	return nil
}

// hex4 decodes the four hex digits at data[i:], or returns -1.
func hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// u4 decodes a "\uXXXX" escape at data[i:], or returns -1.
func u4(data []byte, i int) rune {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return -1
	}
	return hex4(data, i+2)
}

// skipStr validates the string that starts at s.data[s.pos] == '"' and
// moves past it.
func (s *Scanner) skipStr() {
	data := s.data
	for i := s.pos + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			s.pos = i + 1
			return
		case c < ' ':
			s.pos = i
			s.fail("invalid control character " + strconv.QuoteRune(rune(c)) + " in a string")
			return
		case c == '\\':
			if i+1 >= len(data) {
				break
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if hex4(data, i+2) < 0 {
					s.pos = i
					s.fail("invalid \\u escape in a string")
					return
				}
				i += 5
			default:
				s.pos = i
				s.fail("invalid escape " + strconv.Quote(string(data[i:i+2])) + " in a string")
				return
			}
		}
	}
	s.pos = len(data)
	s.fail("unexpected end of JSON input in a string")
}

// number validates the number at s.pos and moves past it, reporting
// whether it is an integer (no fraction or exponent).
func (s *Scanner) number() (start int, integer bool) {
	data := s.data
	start = s.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		s.pos = i
		s.fail("unexpected end of JSON input in a number")
		return start, false
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		for i++; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		}
	default:
		s.pos = i
		s.unexpected("a digit")
		return start, false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			s.pos = i
			s.unexpected("a digit after the decimal point")
			return start, false
		}
		for i++; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			s.pos = i
			s.unexpected("a digit in the exponent")
			return start, false
		}
		for i++; i < len(data) && '0' <= data[i] && data[i] <= '9'; i++ {
		}
	}
	s.pos = i
	return start, integer
}

// Int64 reads an integer that fits in an int64, as encoding/json decodes
// one into an int64: a number with a fraction or an exponent (even 1.0 or
// 1e3) is refused. When the next value is not such a number it records an
// error and returns 0.
func (s *Scanner) Int64() int64 {
	if s.err != nil {
		return 0
	}
	if c := s.ws(); s.pos >= len(s.data) || kindOf(c) != Number {
		s.Expected("an integer")
		return 0
	}
	start, integer := s.number()
	if s.err != nil {
		return 0
	}
	text := s.data[start:s.pos]
	if !integer {
		s.pos = start
		s.fail("expected an integer, found number " + string(text))
		return 0
	}
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	var n uint64
	over := len(text) > 19
	for _, c := range text {
		n = n*10 + uint64(c-'0') // 19 digits cannot overflow a uint64
	}
	if over || (!neg && n > 1<<63-1) || (neg && n > 1<<63) {
		s.pos = start
		s.fail("number " + string(s.data[start:start+len(text)+b2i(neg)]) + " overflows a 64-bit integer")
		return 0
	}
	if neg {
		return -int64(n)
	}
	return int64(n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Skip reads and validates the next value, whatever it is.
func (s *Scanner) Skip() {
	if s.err != nil {
		return
	}
	c := s.ws()
	if s.pos >= len(s.data) {
		s.fail("unexpected end of JSON input, expected a value")
		return
	}
	switch c {
	case '"':
		s.skipStr()
	case '{':
		if s.Object() {
			for _, ok := s.Field(); ok; _, ok = s.Field() {
				s.Skip()
			}
		}
	case '[':
		if s.Array() {
			for s.Elem() {
				s.Skip()
			}
		}
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		s.number()
	default:
		s.unexpected("a value")
	}
}

// Raw reads and validates the next value and returns its text, which
// shares memory with the input (nil after an error).
func (s *Scanner) Raw() []byte {
	if s.err != nil {
		return nil
	}
	s.ws()
	start := s.pos
	s.Skip()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos]
}

// End checks that nothing but white space follows the value read, and
// records an error otherwise. It reports whether the whole text was valid.
func (s *Scanner) End() bool {
	if s.err != nil {
		return false
	}
	if s.ws(); s.pos < len(s.data) {
		s.unexpected("the end of the input after the top-level value")
		return false
	}
	return true
}

// Valid reports whether data is one valid JSON text, as json.Valid does,
// several times faster.
func Valid(data []byte) bool {
	var s Scanner
	s.Reset(data)
	s.Skip()
	return s.End()
}
