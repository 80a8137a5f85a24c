package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
)

// hostile holds one of each kind of character a terminal obeys or that
// reorders what it shows: an OSC sequence (ESC ... BEL), C1 controls (CSI,
// NEL), the bidirectional embeddings, overrides and isolates, and the
// bidirectional marks.
const hostile = evil + "\u009b\u0085" + "\u202a\u202b\u202c\u202d\u202e" + "\u2066\u2067\u2068\u2069" + "\u200e\u200f\u061c"

// terminalControl reports whether r is a character a terminal would obey
// or that reorders the text around it (line breaks aside): the list is
// written out here rather than taken from the code under test.
func terminalControl(r rune) bool {
	switch {
	case r == '\n':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// noTerminalControls fails if out holds any character terminalControl
// lists.
func noTerminalControls(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		if terminalControl(r) {
			t.Errorf("%s holds %U at byte %d:\n%q", what, r, i, out)
			return
		}
	}
}

// A status value from the server is escaped in every format of states
// --summary, and the JSON formats still carry it exactly.
func TestStatesSummaryEscapesServerText(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	if err := srv.Add(clientstate.State{ClientID: "d:ab12cd:t:x", ClientType: clientstate.ClientTypeDevice, Status: clientstate.ConnectionStatus("on" + hostile)}); err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv(envIBMAPIKey, clientstatetest.APIKey)
	t.Setenv(envIBMAPIToken, clientstatetest.APIToken)
	for _, format := range []string{formatTable, formatJSON, formatJSONL, formatCSV} {
		r := cliEnv(t, "states", "--summary", "--ibm-url", srv.URL(), "--format", format)
		mustSucceed(t, r)
		noTerminalControls(t, "states --summary --format "+format, r.stdout)
		switch format {
		case formatJSON, formatJSONL:
			var got struct {
				ByStatus map[string]int `json:"by_status"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%s: %v\n%s", format, err, r.stdout)
			}
			if got.ByStatus["on"+hostile] != 1 {
				t.Errorf("%s: the status is not carried exactly: %v", format, got.ByStatus)
			}
		default:
			if !strings.Contains(r.stdout, "on"+evilEscaped+`\u009b\u0085\u202a`) {
				t.Errorf("%s: the status is not shown escaped:\n%s", format, r.stdout)
			}
		}
	}
}

// Client IDs, statuses and causes from the tracker are escaped in every
// format of the flapping view.
func TestFlappingEscapesServerText(t *testing.T) {
	id := "d:ab12cd:t:" + hostile
	clients := []live.FlappingClient{{
		ClientID: id, Status: clientstate.ConnectionStatus(hostile), Disconnects: 3,
		ByCause: map[clientstate.Cause]int{clientstate.Cause("C" + hostile): 3}, Last: time.Now(),
	}}
	f := flappingFlag{set: true, window: 10 * time.Minute, n: 3}
	for _, format := range []string{formatTable, formatJSON, formatJSONL, formatCSV} {
		var buf bytes.Buffer
		if err := writeFlapping(&buf, &common{format: format}, f, clients, time.Now()); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		noTerminalControls(t, "--flapping --format "+format, out)
		switch format {
		case formatJSON, formatJSONL:
			var got flappingJSON
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("%s: %v\n%s", format, err, out)
			}
			if len(got.Clients) != 1 || got.Clients[0].ClientID != id || got.Clients[0].Status != hostile ||
				got.Clients[0].ByCause["C"+hostile] != 3 {
				t.Errorf("%s: the server's strings are not carried exactly: %+v", format, got.Clients)
			}
		default:
			if strings.Count(out, evilEscaped) != 3 {
				t.Errorf("%s: client ID, status and cause are not all shown escaped:\n%s", format, out)
			}
		}
	}
}

// Raw JSON from the server (a notification's body, a state's other
// fields) may hold the C1 and bidirectional controls JSON allows raw in
// a string: jsonl writes them as \u escapes, and the value stays the
// same JSON.
func TestJSONLEscapesRawJSON(t *testing.T) {
	raw := []byte(`{"msg":"` + strings.NewReplacer("\x1b", `\u001b`, "\x07", `\u0007`).Replace(hostile) + `"}`)
	if !jsontext.Value(raw).IsValid() {
		t.Fatalf("the test's document is not JSON: %q", raw)
	}
	out := writeAll(t, formatJSONL, sinkOptions{}, false, rec{raw: raw})
	noTerminalControls(t, "jsonl", out)
	var got struct {
		Raw struct {
			Msg string `json:"msg"`
		} `json:"raw"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Raw.Msg != hostile {
		t.Errorf("the raw value is not carried exactly (%v):\n%s", err, out)
	}
}
