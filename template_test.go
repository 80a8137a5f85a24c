package iotclient_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Both platform packages follow one template (STYLE.md, each doc.go), so
// a reader of one finds every role in the other under the same file name:
// client.go holds Config, Client, NewClient and the package's one do;
// wire.go every wire struct and every listing's query parameters; Get
// sits beside the page call of its resource's listing.
func TestPlatformPackagesFollowOneTemplate(t *testing.T) {
	for _, dir := range []string{"commands", "clientstate"} {
		t.Run(dir, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			where := map[string]string{} // declared name -> file
			var pages []string           // files declaring a ...Page method
			for _, path := range files {
				if strings.HasSuffix(path, "_test.go") {
					continue
				}
				f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
				if err != nil {
					t.Fatal(err)
				}
				name := filepath.Base(path)
				if name == "doc.go" {
					for _, role := range []string{"client.go", "wire.go"} {
						if !strings.Contains(f.Doc.Text(), role) {
							t.Errorf("%s: the package doc does not say what %s holds", path, role)
						}
					}
				}
				for _, d := range f.Decls {
					switch d := d.(type) {
					case *ast.FuncDecl:
						where[d.Name.Name] = name
						if d.Recv != nil && strings.HasSuffix(d.Name.Name, "Page") && d.Name.IsExported() {
							pages = append(pages, name)
						}
					case *ast.GenDecl:
						for _, s := range d.Specs {
							ts, ok := s.(*ast.TypeSpec)
							if !ok {
								continue
							}
							where[ts.Name.Name] = name
							st, ok := ts.Type.(*ast.StructType)
							if !ok || name == "wire.go" {
								continue
							}
							if strings.HasPrefix(ts.Name.Name, "wire") {
								t.Errorf("%s: wire struct %s is not in wire.go", path, ts.Name.Name)
							}
							for _, fld := range st.Fields.List {
								if fld.Tag != nil && strings.Contains(fld.Tag.Value, `url:"`) {
									t.Errorf("%s: query parameters %s are not in wire.go", path, ts.Name.Name)
									break
								}
							}
						}
					}
				}
			}
			for _, n := range []string{"Config", "Client", "NewClient", "do"} {
				if where[n] != "client.go" {
					t.Errorf("%s is in %q, not client.go", n, where[n])
				}
			}
			if f := where["Get"]; f == "" || !strings.Contains(strings.Join(pages, " "), f) {
				t.Errorf("Get is in %q, which has no page call (page calls in %v)", f, pages)
			}
		})
	}
}
