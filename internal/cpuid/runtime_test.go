package cpuid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
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

// What the runtime reports is what CPUID says, but for what GODEBUG turned
// off at the process's start; with no cpu option in GODEBUG, exactly.
func TestFromRuntimeMatchesCPUID(t *testing.T) {
	rt, ok := fromRuntime()
	if !ok {
		t.Skip("no view of the runtime's detection here")
	}
	hw := detect()
	hw.LZCNT = false
	if !strings.Contains(os.Getenv("GODEBUG"), "cpu.") && rt != hw {
		t.Errorf("runtime's view %+v, CPUID's %+v", rt, hw)
	}
	rv, hv := reflect.ValueOf(rt), reflect.ValueOf(hw)
	for i := range rv.NumField() {
		if rv.Field(i).Bool() && !hv.Field(i).Bool() {
			t.Errorf("%s: the runtime reports it, CPUID does not", rv.Type().Field(i).Name)
		}
	}
}

// Where the runtime reports every feature but LZCNT, the base answers run
// no CPUID, and Hardware and X86 ask only for LZCNT, once, and still get
// detect's answer. Elsewhere the base answers are detect's.
func TestBaseRunsNoCPUID(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("CPUID: x86-64 only")
	}
	want := detect()
	var leaves []uint32
	cpuidFn = func(eax, ecx uint32) (uint32, uint32, uint32, uint32) {
		leaves = append(leaves, eax)
		return cpuid(eax, ecx)
	}
	defer func() { cpuidFn = cpuid }()
	b := detectBase()
	fast := !b.lzcnt
	if rt, ok := fromRuntime(); fast != (ok && rt == allBase) {
		t.Errorf("fast path %v with the runtime's view %+v (available %v)", fast, rt, ok)
	}
	wantBase := want
	wantBase.LZCNT = false
	if got := b.f; got != wantBase && !(b.lzcnt && got == want) {
		t.Errorf("base %+v, want %+v", got, wantBase)
	}
	if fast && len(leaves) != 0 {
		t.Errorf("base detection ran CPUID %d times (leaves %#x), want none", len(leaves), leaves)
	}
	if !fast {
		t.Logf("the runtime does not report every feature: base detection is detect's (%d CPUIDs)", len(leaves))
	}
	leaves = nil
	if got := hardware.New(); got != want {
		t.Errorf("Hardware's detection %+v, want %+v", got, want)
	}
	if fast && (len(leaves) != 1 || leaves[0] != 0x80000001) {
		t.Errorf("Hardware after the base ran CPUID leaves %#x, want only 0x80000001", leaves)
	}
	if got, want := featuresBase.New(), withGODEBUG(wantBase, os.Getenv("GODEBUG")); got != want {
		t.Errorf("X86Base %+v, want %+v", got, want)
	}
}
