package iotclient_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeHeader is what a README fragment is compiled with: the imports a
// reader would add, each used once so that an unused one is no error, and
// the names the fragments take as given (the context, credentials, IDs,
// the clients an earlier fragment made). The fragment goes in a block of
// its own, so that it may declare those names again.
const readmeHeader = `package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"testing/synctest"
	"time"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/clientstatetest"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/clientstate/live/livetest"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/commands/commandstest"
	"github.com/iotclient/iotclient-go/devicestate"
	"github.com/iotclient/iotclient-go/notify"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
	"github.com/iotclient/iotclient-go/pagination"
)

var (
	_ context.Context
	_ = errors.Is
	_ = fmt.Sprint
	_ = slog.New
	_ = http.NewServeMux
	_ = os.Stderr
	_ *testing.T
	_ = synctest.Test
	_ = time.Now
	_ = iotclient.ErrNotFound
	_ = auth.Token
	_ = clientstate.NewClient
	_ = clientstatetest.NewServer
	_ = live.NewMonitor
	_ = livetest.NewServer
	_ = commands.NewClient
	_ = commandstest.NewServer
	_ = devicestate.NewClient
	_ = notify.Decode
	_ = notifyamqp.NewConsumer
	_ pagination.Window
)

func main() {}

func snippet(ctx context.Context, t *testing.T, projectID, instanceID, ak, sk, key, token string, deviceIDs []string,
	cmds *commands.Client, states *clientstate.Client, mon *live.Monitor) error {
	{
`

// readmeImport matches the import lines a fragment shows its reader; the
// header already has them.
var readmeImport = regexp.MustCompile(`(?s)^\s*import\s*(\([^)]*\)|"[^"]*")\s*`)

// TestREADMEGoSnippetsCompile compiles every Go block of README.md in a
// module of its own, with a replace directive to this checkout, so that a
// snippet that no longer matches the API fails CI. A block with a package
// clause is a file as it is; any other is the body of a function with the
// header's imports and names.
func TestREADMEGoSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a scratch module with the go command")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeGoBlocks(string(readme))
	if len(blocks) < 6 {
		t.Fatalf("found %d Go blocks in README.md, want at least 6", len(blocks))
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, b := range blocks {
		src := b.text
		if !strings.HasPrefix(strings.TrimSpace(src), "package ") {
			body := readmeImport.ReplaceAllString(src, "")
			tail := "\t}\n\treturn nil\n}\n"
			if lines := strings.Split(strings.TrimSpace(body), "\n"); strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "return ") {
				tail = "\t}\n}\n" // a return that ends the fragment ends the function
			}
			src = readmeHeader + body + tail
		}
		pkg := filepath.Join(dir, fmt.Sprintf("snippet%02d_line%d", i+1, b.line))
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("mod", "init", "example.com/readmesnippets")
	run("mod", "edit", "-replace", "github.com/iotclient/iotclient-go="+root)
	run("mod", "tidy")
	run("vet", "./...") // the directory names give each failing snippet's README line
}

// readmeBlock is one fenced Go block and the README line it starts on.
type readmeBlock struct {
	text string
	line int
}

// readmeGoBlocks returns the ```go blocks of a Markdown text.
func readmeGoBlocks(md string) []readmeBlock {
	var blocks []readmeBlock
	var cur *strings.Builder
	start := 0
	for i, line := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur, start = &strings.Builder{}, i+2
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, readmeBlock{cur.String(), start})
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}
