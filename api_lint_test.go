package iotclient_test

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The public API as godoc shows it, checked from source: what a user sees
// must be nameable and documented by what they can read.

const modulePath = "github.com/iotclient/iotclient-go"

// publicPackages are the directories of the packages users import.
var publicPackages = []string{
	".", "auth", "pagination",
	"clientstate", "clientstate/clientstatetest", "clientstate/live", "clientstate/live/livetest",
	"commands", "commands/commandstest",
}

// apiPackage is one public package: its non-test files parsed with their
// comments, and its types as the compiler exports them.
type apiPackage struct {
	path  string
	files []*ast.File
	pkg   *types.Package
}

// loadAPI reads the public packages' export data through go list (from the
// build cache, in a second or two) rather than type-checking every
// dependency from source.
func loadAPI(t *testing.T) []apiPackage {
	t.Helper()
	apiOnce.Do(func() { apiPkgs, apiErr = readAPI() })
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	return apiPkgs
}

var (
	apiOnce sync.Once
	apiPkgs []apiPackage
	apiErr  error
)

func readAPI() ([]apiPackage, error) {
	args := append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, publicPackages...)
	for i, dir := range publicPackages {
		args[5+i] = "./" + dir
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	exports := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if p, file, ok := strings.Cut(line, "\t"); ok {
			exports[p] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(p string) (io.ReadCloser, error) { return os.Open(exports[p]) })
	var pkgs []apiPackage
	for _, dir := range publicPackages {
		p := path.Join(modulePath, dir)
		pkg, err := imp.Import(p)
		if err != nil {
			return nil, err
		}
		bp, err := build.ImportDir(dir, 0)
		if err != nil {
			return nil, err
		}
		var files []*ast.File
		for _, name := range bp.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		pkgs = append(pkgs, apiPackage{path: p, files: files, pkg: pkg})
	}
	return pkgs, nil
}

// exportedTypes calls f with every type an exported name of pkg shows a
// user: of constants and variables, function and method signatures,
// exported fields and interface methods. what names the place.
func exportedTypes(pkg *types.Package, f func(what string, t types.Type)) {
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		tn, ok := obj.(*types.TypeName)
		if !ok {
			f(name, obj.Type())
			continue
		}
		switch u := obj.Type().Underlying().(type) {
		case *types.Struct:
			for i := range u.NumFields() {
				if fl := u.Field(i); fl.Exported() {
					f(name+"."+fl.Name(), fl.Type())
				}
			}
		case *types.Interface:
			for i := range u.NumExplicitMethods() {
				if m := u.ExplicitMethod(i); m.Exported() {
					f(name+"."+m.Name(), m.Type())
				}
			}
		default:
			if !tn.IsAlias() {
				f(name, u)
			}
		}
		if named, ok := obj.Type().(*types.Named); ok {
			for i := range named.NumMethods() {
				if m := named.Method(i); m.Exported() {
					f(name+"."+m.Name(), m.Type())
				}
			}
		}
	}
}

// namedIn calls f with every named type t is built from, without looking
// inside named types (their own declarations are checked where they are).
func namedIn(t types.Type, f func(*types.TypeName)) {
	switch t := t.(type) {
	case *types.Named:
		f(t.Obj())
		for a := range t.TypeArgs().Types() {
			namedIn(a, f)
		}
	case *types.Alias:
		f(t.Obj())
	case *types.Pointer:
		namedIn(t.Elem(), f)
	case *types.Slice:
		namedIn(t.Elem(), f)
	case *types.Array:
		namedIn(t.Elem(), f)
	case *types.Chan:
		namedIn(t.Elem(), f)
	case *types.Map:
		namedIn(t.Key(), f)
		namedIn(t.Elem(), f)
	case *types.Signature:
		for v := range t.Params().Variables() {
			namedIn(v.Type(), f)
		}
		for v := range t.Results().Variables() {
			namedIn(v.Type(), f)
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if t.Field(i).Exported() {
				namedIn(t.Field(i).Type(), f)
			}
		}
	case *types.Interface:
		for i := range t.NumExplicitMethods() {
			namedIn(t.ExplicitMethod(i).Type(), f)
		}
	}
}

// No exported signature, field or type names a type a user cannot name,
// and none holds go-json-experiment's jsontext.Value: raw JSON is
// encoding/json.RawMessage everywhere.
func TestAPINamesOnlyNameableTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the public packages from source")
	}
	for _, p := range loadAPI(t) {
		exportedTypes(p.pkg, func(what string, typ types.Type) {
			namedIn(typ, func(tn *types.TypeName) {
				switch {
				case tn.Pkg() == nil: // error, comparable
				case !tn.Exported():
					t.Errorf("%s.%s shows the unexported type %s", p.pkg.Name(), what, tn.Name())
				case tn.Pkg().Path() == "github.com/go-json-experiment/json/jsontext":
					t.Errorf("%s.%s shows jsontext.%s: use encoding/json.RawMessage", p.pkg.Name(), what, tn.Name())
				}
			})
		})
	}
}

// Every option type follows google-cloud-go's option.ClientOption: an
// interface whose method takes a type of an internal package, so that a
// user cannot implement it and the constructors apply it directly.
func TestAPIOptionsAreClosedInterfaces(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the public packages' export data")
	}
	want := map[string]bool{"iotclient.Option": true, "auth.AKSKOption": true,
		"commandstest.Option": true, "clientstatetest.Option": true}
	for _, p := range loadAPI(t) {
		for _, name := range []string{"Option", "AKSKOption"} {
			obj := p.pkg.Scope().Lookup(name)
			if obj == nil {
				continue
			}
			qualified := p.pkg.Name() + "." + name
			delete(want, qualified)
			iface, ok := obj.Type().Underlying().(*types.Interface)
			if !ok || iface.NumMethods() == 0 {
				t.Errorf("%s is %v, not an interface with a method", qualified, obj.Type().Underlying())
				continue
			}
			for m := range iface.Methods() {
				if !takesInternalType(m.Type().(*types.Signature)) {
					t.Errorf("%s.%s takes no internal type: users could implement %s", qualified, m.Name(), qualified)
				}
			}
		}
	}
	for name := range want {
		t.Errorf("%s is missing", name)
	}
}

// takesInternalType reports whether a parameter of sig is (a pointer to) a
// named type of an internal package of this module.
func takesInternalType(sig *types.Signature) bool {
	for v := range sig.Params().Variables() {
		t := v.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && strings.HasPrefix(n.Obj().Pkg().Path(), modulePath+"/internal/") {
			return true
		}
	}
	return false
}

// What only the SDK needs is not exported, so that users do not build on
// it: the SDK's packages reach the constructor of ValidationError through
// internal/invalid, and auth's header names and login constants are
// stated in IAMPassword's and Token's godoc.
func TestAPILeavesOutSDKOnlyNames(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the public packages' export data")
	}
	scopes := map[string]*types.Scope{}
	for _, p := range loadAPI(t) {
		scopes[p.pkg.Name()] = p.pkg.Scope()
	}
	for pkg, names := range map[string][]string{
		"iotclient": {"NewValidationError"},
		"auth":      {"TokenHeader", "SubjectTokenHeader", "IAMLoginTimeout", "IAMTokenLifetime"},
	} {
		for _, name := range names {
			if scopes[pkg].Lookup(name) != nil {
				t.Errorf("%s.%s is exported", pkg, name)
			}
		}
	}
}

// camelWord is a word of godoc that looks like a Go name starting in lower
// case: windowEnd, exampleClient.
var camelWord = regexp.MustCompile(`\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b`)

// qualified is a reference to a name of a public package: auth.AKSK.
var qualified = regexp.MustCompile(`\b(iotclient|auth|pagination|clientstate|clientstatetest|live|livetest|commands|commandstest)\.([A-Za-z_][A-Za-z0-9_]*)\b`)

// The godoc of every exported name, and of each package, sends the reader
// only to names they can look up: no unexported name of the package, and
// no name of a public package that it does not export.
func TestAPIGodocNamesOnlyExportedNames(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the public packages from source")
	}
	pkgs := loadAPI(t)
	scopes := map[string]*types.Scope{}
	for _, p := range pkgs {
		scopes[p.pkg.Name()] = p.pkg.Scope()
	}
	for _, p := range pkgs {
		hidden := unexportedNames(p.files)
		check := func(where string, doc *ast.CommentGroup, params map[string]bool) {
			text := doc.Text()
			for _, w := range camelWord.FindAllString(text, -1) {
				if hidden[w] && !params[w] {
					t.Errorf("%s: the godoc of %s names %s, which users cannot see", p.path, where, w)
				}
			}
			for _, m := range qualified.FindAllStringSubmatch(text, -1) {
				if s := scopes[m[1]]; s != nil && s.Lookup(m[2]) == nil {
					t.Errorf("%s: the godoc of %s names %s.%s, which does not exist", p.path, where, m[1], m[2])
				}
			}
		}
		for _, f := range p.files {
			check("package "+p.pkg.Name(), f.Doc, nil)
			forEachExportedDoc(f, check)
		}
	}
}

// unexportedNames returns the unexported names declared at package level,
// and the unexported fields and methods, of files.
func unexportedNames(files []*ast.File) map[string]bool {
	out := map[string]bool{}
	add := func(id *ast.Ident) {
		if id != nil && !id.IsExported() && id.Name != "_" {
			out[id.Name] = true
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				add(d.Name)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name)
						ast.Inspect(s.Type, func(n ast.Node) bool {
							if fl, ok := n.(*ast.Field); ok {
								for _, id := range fl.Names {
									add(id)
								}
							}
							return true
						})
					case *ast.ValueSpec:
						for _, id := range s.Names {
							add(id)
						}
					}
				}
			}
		}
	}
	return out
}

// forEachExportedDoc calls f with the doc comments godoc shows: of
// exported functions and methods, types, constants and variables, and of
// the exported fields and interface methods of exported types. params are
// the parameter names in scope, which a doc comment may name.
func forEachExportedDoc(file *ast.File, f func(where string, doc *ast.CommentGroup, params map[string]bool)) {
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || receiverExported(d.Recv)) {
				f(d.Name.Name, d.Doc, paramNames(d.Type))
			}
		case *ast.GenDecl:
			exported := false
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					exported = true
					params := paramNames(s.Type)
					f(s.Name.Name, s.Doc, params)
					ast.Inspect(s.Type, func(n ast.Node) bool {
						if fl, ok := n.(*ast.Field); ok {
							f(s.Name.Name+" field or method", fl.Doc, params)
							f(s.Name.Name+" field or method", fl.Comment, params)
						}
						return true
					})
				case *ast.ValueSpec:
					for _, id := range s.Names {
						if id.IsExported() {
							exported = true
							f(id.Name, s.Doc, nil)
							f(id.Name, s.Comment, nil)
						}
					}
				}
			}
			if exported {
				f("a declaration group", d.Doc, nil)
			}
		}
	}
}

// paramNames returns the names of the parameters and results of every
// function type in n.
func paramNames(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if ft, ok := n.(*ast.FuncType); ok {
			for _, l := range []*ast.FieldList{ft.Params, ft.Results} {
				if l == nil {
					continue
				}
				for _, fl := range l.List {
					for _, id := range fl.Names {
						out[id.Name] = true
					}
				}
			}
		}
		return true
	})
	return out
}

// receiverExported reports whether a method's receiver type is exported.
func receiverExported(recv *ast.FieldList) bool {
	t := recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}
