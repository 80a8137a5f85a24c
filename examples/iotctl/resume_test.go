package main

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"

	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
)

// resumeFlag finds the resume flag iotctl printed on stderr.
func resumeFlag(t *testing.T, name, stderr string) string {
	t.Helper()
	m := regexp.MustCompile(`--` + name + ` (\S+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("stderr gives no --%s to resume:\n%s", name, stderr)
	}
	return m[1]
}

func csvColumn(t *testing.T, out, key string) []string {
	t.Helper()
	_, rows := readCSV(t, out)
	var col []string
	for _, r := range rows {
		col = append(col, r[key])
	}
	return col
}

// A history export stopped by --limit resumes with the --marker it
// printed, exactly after the last command written.
func TestHistoryResumesWithMarker(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	var all []string
	for _, c := range historyOf(srv.Seed("remote-device", 60, 4)) {
		all = append(all, c.ID)
	}
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, commandstest.Token)

	r := cliEnv(t, "history", "--device", "remote-device", "--limit", "25", "--format", "csv")
	mustSucceed(t, r)
	first := csvColumn(t, r.stdout, "id")
	marker := resumeFlag(t, "marker", r.stderr)
	r = cliEnv(t, "history", "--device", "remote-device", "--marker", marker, "--format", "csv")
	mustSucceed(t, r)
	if got := append(first, csvColumn(t, r.stdout, "id")...); !slices.Equal(got, all) {
		t.Errorf("the two parts:\n got %q\nwant %q", got, all)
	}
}

// A listing stopped at a page's end resumes with the --bookmark it printed;
// stopped within a page, the bookmark repeats what it wrote of that page.
func TestStatesResumeWithBookmark(t *testing.T) {
	srv := clientstatetest.NewServer()
	defer srv.Close()
	var all []string
	for _, st := range srv.Seed(40, 4) {
		all = append(all, st.ClientID)
	}
	clearEnv(t)
	t.Setenv(envIBMAPIKey, clientstatetest.APIKey)
	t.Setenv(envIBMAPIToken, clientstatetest.APIToken)

	r := cliEnv(t, "states", "--ibm-url", srv.URL(), "--limit", "15", "--format", "csv")
	mustSucceed(t, r)
	first := csvColumn(t, r.stdout, "client_id")
	bookmark := resumeFlag(t, "bookmark", r.stderr)
	r = cliEnv(t, "states", "--ibm-url", srv.URL(), "--bookmark", bookmark, "--format", "csv")
	mustSucceed(t, r)
	if got := append(first, csvColumn(t, r.stdout, "client_id")...); !slices.Equal(got, all) {
		t.Errorf("the two parts:\n got %q\nwant %q", got, all)
	}
}

// historyOf is what the history lists of seeded commands: PENDING and SENT
// ones are in the queue instead.
func historyOf(seeded []commands.Command) []commands.Command {
	var out []commands.Command
	for _, c := range seeded {
		if c.Status != commands.StatusPending && c.Status != commands.StatusSent {
			out = append(out, c)
		}
	}
	return out
}

// hostileCursor is a cursor a hostile server could send, made to run
// commands when pasted: a quote to end the quoting, a command
// substitution, a comment, and a terminal escape sequence.
const hostileCursor = "0001'; echo pwned #" + evil + " $(id)"

// hostileCursorWord is hostileCursor as the hint must print it: escaped,
// and in single quotes, its own quote ending the quoting, escaped, and
// quoting again.
const hostileCursorWord = `'0001'\''; echo pwned #` + evilEscaped + ` $(id)'`

// shellReads is what a POSIX shell makes of word: the single argument it
// passes (printf prints each argument in brackets).
func shellReads(t *testing.T, word string) string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no POSIX shell to paste the hint into")
	}
	out, err := exec.Command(sh, "-c", "printf '[%s]' "+word).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", word, err)
	}
	return string(out)
}

// A command ID from the server is printed in the --marker hint as one
// quoted, escaped shell word.
func TestMarkerHintIsAShellWord(t *testing.T) {
	srv := commandstest.NewServer()
	defer srv.Close()
	srv.AddDevice("dev-1")
	if err := srv.Add("dev-1", commands.Command{ID: hostileCursor, ServiceID: "svc", Name: "reboot", Status: commands.StatusSuccessful}); err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv(envIoTDAEndpoint, srv.URL())
	t.Setenv(envIoTDAProject, commandstest.ProjectID)
	t.Setenv(envIoTDAToken, commandstest.Token)
	r := cliEnv(t, "history", "--device", "dev-1", "--limit", "1", "--format", "csv")
	mustSucceed(t, r)
	noTerminalControls(t, "stderr", r.stderr)
	if !strings.Contains(r.stderr, "--marker "+hostileCursorWord+"\n") {
		t.Fatalf("the hint does not give the marker as a quoted shell word:\n%s", r.stderr)
	}
	if got, want := shellReads(t, hostileCursorWord), "[0001'; echo pwned #"+evilEscaped+" $(id)]"; got != want {
		t.Errorf("pasted, the marker reads %q, want %q", got, want)
	}
}

// A bookmark from the server is printed in the --bookmark hint as one
// quoted, escaped shell word, whether the export stopped at a page's end or
// within it.
func TestBookmarkHintIsAShellWord(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		next := hostileCursor
		if r.URL.Query().Get("_bookmark") != "" {
			next = "" // the last page
		}
		b, _ := json.Marshal(map[string]any{
			"results": []map[string]any{
				{"id": "d:" + mockOrg + ":t:a", "connectionStatus": "connected"},
				{"id": "d:" + mockOrg + ":t:b", "connectionStatus": "connected"},
			},
			"bookmark": next,
		})
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	clearEnv(t)
	t.Setenv(envIBMAPIKey, clientstatetest.APIKey)
	t.Setenv(envIBMAPIToken, clientstatetest.APIToken)
	for limit, want := range map[string]string{
		"2": "--bookmark " + hostileCursorWord + "\n",                         // after the first page
		"3": "--bookmark " + hostileCursorWord + " (it repeats the last 1)\n", // within the second
	} {
		r := cliEnv(t, "states", "--ibm-url", srv.URL, "--limit", limit, "--format", "csv")
		mustSucceed(t, r)
		noTerminalControls(t, "stderr", r.stderr)
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--limit %s: the hint does not give the bookmark as a quoted shell word:\n%s", limit, r.stderr)
		}
	}
}
