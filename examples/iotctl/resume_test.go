package main

import (
	"regexp"
	"slices"
	"testing"

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
