package main

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f", "<a&b>",
		"héllo wörld ✓", "line\u2028sep\u2029", "bad \xff utf8",
	} {
		b := appendJSONString(nil, s)
		if !jsontext.Value(b).IsValid() {
			t.Errorf("%q: %s is not valid JSON", s, b)
			continue
		}
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if got != want {
			t.Errorf("%q round-trips to %q", s, got)
		}
	}
	if got := string(appendJSONString(nil, "<a&b>")); got != `"<a&b>"` {
		t.Errorf("HTML characters escaped: %s", got)
	}
}

func TestAppendTime(t *testing.T) {
	base := time.Date(2024, 6, 1, 12, 0, 5, 0, time.FixedZone("CEST", 2*3600))
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{base, "2024-06-01T10:00:05Z"},
		{base.Add(570 * time.Millisecond), "2024-06-01T10:00:05.570Z"},
		{base.Add(123456 * time.Nanosecond), "2024-06-01T10:00:05.000123456Z"},
	} {
		if got := string(appendTime(nil, tt.t)); got != tt.want {
			t.Errorf("appendTime(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

type rec struct {
	name string
	at   time.Time
	n    int
	has  bool
	raw  jsontext.Value
}

var recColumns = []column[rec]{
	{key: "name", title: "NAME", table: true, get: func(r *rec) cell { return text(r.name) }},
	{key: "at", title: "AT", table: true, get: func(r *rec) cell { return stamp(r.at) }},
	{key: "n", title: "N", table: true, get: func(r *rec) cell { return optNumber(int64(r.n), r.has) }},
	{key: "raw", title: "RAW", get: func(r *rec) cell { return rawJSON(r.raw) }},
	{key: "short", title: "SHORT", tableOnly: true, get: func(r *rec) cell { return optText("") }},
}

func writeAll(t *testing.T, format string, opts sinkOptions, failed bool, recs ...rec) string {
	t.Helper()
	var buf bytes.Buffer
	s := newSink(format, &buf, recColumns, opts)
	for i := range recs {
		if err := s.write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.close(failed); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestSinks(t *testing.T) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	recs := []rec{
		{name: "a,b \"c\"", at: at, n: 7, has: true, raw: jsontext.Value(`{ "k" : [1, 2] }`)},
		{name: "tab\there"},
	}
	if got, want := writeAll(t, formatJSONL, sinkOptions{}, false, recs...),
		`{"name":"a,b \"c\"","at":"2024-06-01T12:00:00Z","n":7,"raw":{"k":[1,2]}}`+"\n"+
			`{"name":"tab\there","at":null,"n":null,"raw":null}`+"\n"; got != want {
		t.Errorf("jsonl:\n got %s\nwant %s", got, want)
	}
	if got, want := writeAll(t, formatCSV, sinkOptions{}, false, recs...),
		"name,at,n,raw\n\"a,b \"\"c\"\"\",2024-06-01T12:00:00Z,7,\"{\"\"k\"\":[1,2]}\"\ntab\there,,,\n"; got != want {
		t.Errorf("csv:\n got %q\nwant %q", got, want)
	}
	if got, want := writeAll(t, formatTable, sinkOptions{}, false, recs...),
		"NAME      AT                    N  SHORT\n"+
			"a,b \"c\"   2024-06-01T12:00:00Z  7  -\n"+
			"tab here  -                     -  -\n"; got != want {
		t.Errorf("table:\n got %q\nwant %q", got, want)
	}
	// An empty csv has its header; after a failure, nothing.
	if got := writeAll(t, formatCSV, sinkOptions{}, false); got != "name,at,n,raw\n" {
		t.Errorf("empty csv = %q", got)
	}
	if got := writeAll(t, formatCSV, sinkOptions{}, true); got != "" {
		t.Errorf("failed csv = %q", got)
	}
	if got := writeAll(t, formatTable, sinkOptions{}, false); got != "" {
		t.Errorf("empty table = %q", got)
	}
	// A streamed table writes each record at once, in fixed columns.
	var buf bytes.Buffer
	s := newSink(formatTable, &buf, recColumns, sinkOptions{stream: true})
	if err := s.write(&recs[1]); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "NAME  AT  N  SHORT\ntab here  -   -  -\n"; got != want {
		t.Errorf("streamed table:\n got %q\nwant %q", got, want)
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2024-06-01T12:00:00Z", time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)},
		{"2024-06-01T14:00:00.5+02:00", time.Date(2024, 6, 1, 12, 0, 0, 5e8, time.UTC)},
		{"2024-06-01", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"48h", now.Add(-48 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"0s", now},
		{"now", now},
	} {
		got, err := parseTime(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "-5h", "2024-13-01", "7days", "-1d", "1.5d"} {
		if _, err := parseTime(bad, now); err == nil {
			t.Errorf("parseTime(%q) accepted", bad)
		}
	}
}

func TestParseFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	format := fs.String("format", "table", "")
	var progress triState
	fs.Var(&progress, "progress", "")
	pos, err := parseFlags(fs, []string{"a", "--format", "csv", "b", "--progress", "--", "--not-a-flag"})
	if err != nil || *format != "csv" || !progress.set || !progress.on || !slices.Equal(pos, []string{"a", "b", "--not-a-flag"}) {
		t.Errorf("pos %q, format %q, progress %+v, err %v", pos, *format, progress, err)
	}
	if _, err := parseFlags(fs, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for args, want := range map[string]string{
		"--nope":             "unknown flag --nope",
		"--format":           "--format needs a value",
		"--progress=perhaps": `--progress "perhaps": must be true or false`,
	} {
		_, err := parseFlags(fs, []string{args})
		if !isUsage(err) || err.Error() != want {
			t.Errorf("%s: %v, want usage error %q", args, err, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: &buf, on: true, noun: "commands", start: clock, last: clock, now: func() time.Time { return clock }}
	for range 2500 {
		p.add()
	}
	clock = clock.Add(600 * time.Millisecond)
	p.add() // 500ms since the last update
	clock = clock.Add(time.Second)
	p.finish()
	if got, want := buf.String(), "\r1,000 commands…\r2,000 commands…\r2,501 commands…\r2,501 commands in 1.6s\n"; got != want {
		t.Errorf("progress:\n got %q\nwant %q", got, want)
	}
	if isTerminal(&buf) {
		t.Error("a buffer is a terminal")
	}
	a := &app{stderr: &buf}
	if a.newProgress(triState{}, "x").on || !a.newProgress(triState{set: true, on: true}, "x").on {
		t.Error("progress: wrong default or --progress ignored")
	}
	a.autoProgress = true
	if !a.newProgress(triState{}, "x").on || a.newProgress(triState{set: true}, "x").on {
		t.Error("progress: wrong default on a terminal, or --progress=false ignored")
	}
}
