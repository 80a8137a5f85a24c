package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iotclient/iotclient-go/internal/jsonscan"
)

// walk reads any value the way a decoder would, collecting what it read in
// a form comparable with encoding/json's generic decoding.
func walk(s *jsonscan.Scanner) any {
	switch s.Peek() {
	case jsonscan.Object:
		m := map[string]any{}
		s.Object()
		for name, ok := s.Field(); ok; name, ok = s.Field() {
			k := string(name)
			m[k] = walk(s)
		}
		return m
	case jsonscan.Array:
		a := []any{}
		s.Array()
		for s.Elem() {
			a = append(a, walk(s))
		}
		return a
	case jsonscan.String:
		return string(s.String())
	case jsonscan.Null:
		s.Null()
		return nil
	case jsonscan.Number:
		return json.Number(s.Raw())
	default:
		var b bool
		raw := s.Raw()
		if raw != nil {
			_ = json.Unmarshal(raw, &b)
		}
		return b
	}
}

func equal(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

var seeds = []string{
	`{"a":1,"b":[true,false,null,"x\u00e9\ud83d\ude00"],"c":{"d":-0.5e-3}}`,
	` [ 1 , 2 ] `,
	`"\ud800"`, `"\ud800\u0041"`, `"\udc00\ud800"`, "\"\xff\xfe\"", "\"\xed\xa0\x80\"",
	`"a\/b\\c\"d\b\f\n\r\t"`,
	`{"a":1,}`, `[1,]`, `[01]`, `-`, `1.`, `1e`, `1e+`, `tru`, `nul`, `{"a" 1}`, `{"a":1 "b":2}`,
	`"\x"`, `"\u12"`, "\"a\x01\"", `"abc`, `{`, `[`, `}`, ``, ` `, `{"a":[1,{"b":null}]}x`,
	`9223372036854775807`, `-9223372036854775808`, `9223372036854775808`, `12345678901234567890123`,
	`{"":""}`, `{"\u0061":1}`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

func FuzzScan(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s jsonscan.Scanner
		s.Reset(data)
		s.Skip()
		s.End()
		valid := json.Valid(data)
		if (s.Err() == nil) != valid || jsonscan.Valid(data) != valid {
			t.Fatalf("Skip+End error %v, Valid %v, json.Valid %v", s.Err(), jsonscan.Valid(data), valid)
		}
		if !valid {
			return
		}
		s.Reset(data)
		got := walk(&s)
		s.End()
		if s.Err() != nil {
			t.Fatalf("walk: %v", s.Err())
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !equal(got, want) {
			t.Fatalf("got %#v, want %#v", got, want)
		}
	})
}

func TestInt64(t *testing.T) {
	for _, in := range []string{"0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "1.0", "1e3", "12345678901234567890", `"1"`, "null", "01"} {
		var s jsonscan.Scanner
		s.Reset([]byte(in))
		got := s.Int64()
		s.End()
		var want int64
		werr := json.Unmarshal([]byte(in), &want)
		if in == "null" { // encoding/json leaves the value alone; Int64 wants a number
			werr = json.Unmarshal([]byte(`"x"`), &want)
		}
		if (s.Err() == nil) != (werr == nil) || got != want {
			t.Errorf("%s: got %d, %v; encoding/json %d, %v", in, got, s.Err(), want, werr)
		}
	}
}

func TestErrorsSayWhereAndWhat(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1 "b":2}`:  `at offset 7: expected ',' or '}' after an object member, found character '"'`,
		`{"a":`:          `at offset 5: unexpected end of JSON input, expected a value`,
		`[1,2`:           `at offset 4: unexpected end of JSON input, expected ',' or ']' after an array element`,
		`"abc`:           `at offset 4: unexpected end of JSON input in a string`,
		`{"a":tru}`:      `at offset 8: expected literal true, found character '}'`,
		`{"a":1}{}`:      `at offset 7: expected the end of the input after the top-level value, found character '{'`,
		"[\"a\x01\"]":    `at offset 3: invalid control character '\x01' in a string`,
		`{"a":"\q"}`:     `at offset 6: invalid escape "\\q" in a string`,
		`{"a":-}`:        `at offset 6: expected a digit, found character '}'`,
		"\xff":           `at offset 0: expected a value, found byte "\xff"`,
		"\"x\" \"y\"":    `at offset 4: expected the end of the input after the top-level value, found character '"'`,
		`{1:2}`:          `at offset 1: expected a string (an object member name), found character '1'`,
		`[1.]`:           `at offset 3: expected a digit after the decimal point, found character ']'`,
		`{"a":1,"b":2,}`: `at offset 13: expected a string (an object member name), found character '}'`,
	} {
		var s jsonscan.Scanner
		s.Reset([]byte(in))
		s.Skip()
		s.End()
		if s.Err() == nil || s.Err().Error() != want {
			t.Errorf("%q: got %v, want %s", in, s.Err(), want)
		}
	}
}

func TestExpectedNamesTheKind(t *testing.T) {
	var s jsonscan.Scanner
	s.Reset([]byte(`{"a": 5}`))
	s.Object()
	s.Field()
	if got := s.String(); got != nil {
		t.Fatalf("String of a number: %q", got)
	}
	if want := "at offset 6: expected a string, found a number"; s.Err() == nil || s.Err().Error() != want {
		t.Fatalf("got %v, want %s", s.Err(), want)
	}
	// The error sticks; loops end.
	if _, ok := s.Field(); ok || s.Elem() || s.End() {
		t.Fatal("the scanner went on after an error")
	}
}

func TestStringSharesInputWhenPlain(t *testing.T) {
	data := []byte(`["plain","esc\"aped"]`)
	var s jsonscan.Scanner
	s.Reset(data)
	s.Array()
	s.Elem()
	a := s.String()
	if &a[0] != &data[2] {
		t.Error("a plain string is copied")
	}
	s.Elem()
	if b := s.String(); string(b) != `esc"aped` {
		t.Errorf("got %q", b)
	}
	s.Elem()
	if !s.End() {
		t.Fatal(s.Err())
	}
}

func BenchmarkSkip(b *testing.B) {
	data := []byte(`{"commands":[` + strings.Repeat(`{"device_id":"dev-1","command_id":"665ada5d9e3779b97f00ad3d","service_id":"System","command_name":"REBOOT","expire_time":0,"status":"DELIVERED","created_time":"20240601T082253Z","sent_time":"20240601T082253Z","delivered_time":"20240601T082257Z","send_strategy":"immediately"},`, 49) +
		`{}],"page":{"marker":"665ada5d9e3779b97f00ad3d"}}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var s jsonscan.Scanner
	for b.Loop() {
		s.Reset(data)
		s.Skip()
		if !s.End() {
			b.Fatal(s.Err())
		}
	}
}

func BenchmarkValid(b *testing.B) {
	data := []byte(`{"commands":[` + strings.Repeat(`{"device_id":"dev-1","command_id":"665ada5d9e3779b97f00ad3d","service_id":"System","command_name":"REBOOT","expire_time":0,"status":"DELIVERED","created_time":"20240601T082253Z","sent_time":"20240601T082253Z","delivered_time":"20240601T082257Z","send_strategy":"immediately"},`, 49) +
		`{}],"page":{"marker":"665ada5d9e3779b97f00ad3d"}}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !json.Valid(data) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkScanValid(b *testing.B) {
	data := []byte(`{"commands":[` + strings.Repeat(`{"device_id":"dev-1","command_id":"665ada5d9e3779b97f00ad3d","service_id":"System","command_name":"REBOOT","expire_time":0,"status":"DELIVERED","created_time":"20240601T082253Z","sent_time":"20240601T082253Z","delivered_time":"20240601T082257Z","send_strategy":"immediately"},`, 49) +
		`{}],"page":{"marker":"665ada5d9e3779b97f00ad3d"}}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if !jsonscan.Valid(data) {
			b.Fatal("invalid")
		}
	}
}
