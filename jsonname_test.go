package iotclient_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// In every Go file of the module, examples and tests included, json is
// go-json-experiment's json; encoding/json, where a file needs it, goes
// under another name (stdjson), so a reader never has to look up which
// json a call means.
func TestOneJSONName(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			name := ""
			if imp.Name != nil {
				name = imp.Name.Name
			}
			switch {
			case p == "encoding/json" && (name == "" || name == "json"):
				t.Errorf("%s: imports encoding/json as json; name it stdjson", path)
			case p == "github.com/go-json-experiment/json" && name != "" && name != "json":
				t.Errorf("%s: imports go-json-experiment/json as %s; json means it", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
