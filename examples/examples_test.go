// Package examples checks what every example program promises: it builds
// from public packages only, -h prints its usage and exits 0, and an
// unknown flag prints the usage and exits 2.
package examples

import (
	"errors"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// programs are the example commands (examples/outsidemodule is a module of
// its own, tested by CI in its directory).
func programs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "outsidemodule" {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) < 6 {
		t.Fatalf("found only %q", dirs)
	}
	return dirs
}

// No example imports an internal package outside its tests, so each can
// be copied into a module of its own.
func TestNoInternalImports(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") {
				t.Errorf("%s imports %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Each example takes -h (usage, exit 0) and refuses an unknown flag (usage,
// exit 2) without running its demo.
func TestHelpAndUnknownFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example")
	}
	bin := t.TempDir()
	for _, name := range programs(t) {
		t.Run(name, func(t *testing.T) {
			exe := filepath.Join(bin, name)
			if out, err := exec.Command("go", "build", "-o", exe, "./"+name).CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			for _, tc := range []struct {
				arg  string
				code int
			}{{"-h", 0}, {"--help", 0}, {"--bogus", 2}} {
				out, err := exec.Command(exe, tc.arg).CombinedOutput()
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				if code != tc.code {
					t.Errorf("%s %s: exit status %d, want %d\n%s", name, tc.arg, code, tc.code, out)
				}
				if !strings.Contains(strings.ToLower(string(out)), "usage") {
					t.Errorf("%s %s printed no usage:\n%s", name, tc.arg, out)
				}
				if strings.Contains(string(out), "http://127.0.0.1") || strings.Contains(string(out), "tcp://127.0.0.1") {
					t.Errorf("%s %s ran its demo:\n%s", name, tc.arg, out)
				}
			}
		})
	}
}
