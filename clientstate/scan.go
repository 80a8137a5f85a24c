package clientstate

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// eachField calls fn with the name and raw value of every member of the
// JSON object data, in order. The name is unescaped; it may share memory
// with data, so fn must copy it to keep it. data must be valid JSON
// (json.Valid) holding an object: the scanner relies on that and checks
// nothing itself.
func eachField(data []byte, fn func(name, val []byte)) {
	i := skipSpace(data, 1)
	if i >= len(data) || data[i] == '}' {
		return
	}
	for i < len(data) {
		end := skipString(data, i)
		name := data[i+1 : end-1]
		if bytes.IndexByte(name, '\\') >= 0 || !utf8.Valid(name) {
			n, _ := jsonString(data[i:end])
			name = []byte(n)
		}
		i = skipSpace(data, end)   // at ':'
		i = skipSpace(data, i+1)   // at the value
		vend := skipValue(data, i) // after it
		fn(name, data[i:vend])
		i = skipSpace(data, vend) // at ',' or '}'
		if i >= len(data) || data[i] == '}' {
			return
		}
		i = skipSpace(data, i+1) // at the next name
	}
}

// eachElement calls fn with every element of the JSON array data, in
// order. data must be valid JSON holding an array.
func eachElement(data []byte, fn func(val []byte)) {
	i := skipSpace(data, 1)
	for i < len(data) && data[i] != ']' {
		end := skipValue(data, i)
		fn(data[i:end])
		i = skipSpace(data, end) // at ',' or ']'
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string that starts at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the index after the value that starts at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(data)
	}
	for i < len(data) { // a number, true, false or null
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// jsonString returns the string a raw JSON value holds; ok is false when
// the value is not a string.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}
