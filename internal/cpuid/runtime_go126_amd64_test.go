//go:build amd64 && go1.26 && !go1.27

package cpuid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// goX86 must be internal/cpu.X86 of the Go that builds this file, field by
// field: a field added or moved there would have fromRuntime read another
// feature's byte.
func TestRuntimeX86Layout(t *testing.T) {
	if _, ok := fromRuntime(); !ok {
		t.Skip("no view of the runtime's detection here (architecture or Go version)")
	}
	path := filepath.Join(runtime.GOROOT(), "src", "internal", "cpu", "cpu.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Skipf("Go's source not available: %v", err)
	}
	var want []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if len(v.Names) != 1 || v.Names[0].Name != "X86" {
				continue
			}
			for _, fl := range v.Type.(*ast.StructType).Fields.List {
				typ := fl.Type.(*ast.Ident).Name
				for _, n := range fl.Names {
					want = append(want, n.Name+" "+typ)
				}
			}
		}
	}
	if len(want) == 0 {
		t.Fatalf("no var X86 struct in %s", path)
	}
	var got []string
	rt := reflect.TypeFor[goX86]()
	for i := range rt.NumField() {
		fl := rt.Field(i)
		typ := fl.Type.String()
		if fl.Name == "_" {
			if fl.Type != reflect.TypeFor[[64]byte]() {
				t.Errorf("padding %s, want [64]byte (amd64's CacheLinePadSize)", typ)
			}
			typ = "CacheLinePad"
		}
		got = append(got, fl.Name+" "+typ)
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("goX86 is\n\t%s\ninternal/cpu.X86 is\n\t%s", strings.Join(got, "; "), strings.Join(want, "; "))
	}
}
