package execute

import (
	"sort"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// testModule assembles hand-written guest code that follows pkg/abi, so
// the trampoline and exit loop are tested without codegen. Its private
// convention: the entry stub passes the args pointer in RDI; functions
// return results through [RDI]; a host-call stub takes its slot pointer in
// RSI.
type testModule struct {
	a     *asm.Assembler
	meta  object.Meta
	funcs []asm.Label
	stubs []asm.Label // import stubs
	sites []struct {
		l    asm.Label
		code abi.TrapCode
		fn   uint32
		woff uint32
	}
	entry asm.Label

	stubAfter  asm.Label
	extraSites []extraSite
}

// extraSite is a site-table entry a test places by hand.
type extraSite struct {
	l    asm.Label
	code abi.TrapCode
	fn   uint32
	woff uint32
}

func newTestModule(types []wasm.FuncType, imports []wasm.Import) *testModule {
	m := &testModule{a: asm.New()}
	m.meta = object.Meta{FormatVersion: object.FormatVersion, ABIVersion: abi.Version, Types: types, Imports: imports, Start: -1, ModuleName: "test"}
	a := m.a
	// One entry stub serves every type under the test convention.
	m.entry = a.NewLabel()
	a.Bind(m.entry)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.Push(asm.R13)
	a.SubRI(64, asm.RSP, 8)
	a.MovRR(64, asm.RDI, asm.R13)
	a.CallR(asm.R12)
	a.AddRI(64, asm.RSP, 8)
	a.Pop(asm.R13)
	a.Pop(asm.RBP)
	a.Ret()
	for i, imp := range imports {
		if imp.Kind == wasm.ExternFunc {
			m.stubs = append(m.stubs, m.exitStub(abi.ExitHostCall, uint32(i)))
		}
	}
	return m
}

// exitStub emits a resumable exit (host call, builtin, interrupt) with its
// own frame; it resumes by returning to its caller.
func (m *testModule) exitStub(kind abi.ExitKind, arg uint32) asm.Label {
	a := m.a
	l := a.NewLabel()
	a.Align(16)
	a.Bind(l)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	m.exit(kind, arg, true)
	a.Pop(asm.RBP)
	a.Ret()
	return l
}

// exit stores the exit state and leaves to Go. For resumable exits it
// continues after itself; TrapPC is the return address of the frame (the
// call site in the caller), or the site label for traps.
func (m *testModule) exit(kind abi.ExitKind, arg uint32, fromStub bool) {
	a := m.a
	resume := a.NewLabel()
	a.MovRM(64, asm.RAX, asm.M(asm.R15, abi.VMExec))
	a.MovRI(64, asm.RCX, int64(kind)|int64(arg)<<8)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecExitCode), asm.RCX)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecHostArgs), asm.RSI)
	a.LeaRIPLabel(asm.RCX, resume)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecResumePC), asm.RCX)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecResumeSP), asm.RSP)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecFrameBP), asm.RBP)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecExitVMCtx), asm.R15)
	if fromStub {
		a.MovRM(64, asm.RCX, asm.M(asm.RBP, 8))
	} else {
		a.LeaRIPLabel(asm.RCX, resume)
	}
	a.MovMR(64, asm.M(asm.RAX, abi.ExecTrapPC), asm.RCX)
	a.MovRM(64, asm.RSP, asm.M(asm.RAX, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.RAX, abi.ExecGoBP))
	a.Ret()
	a.Bind(resume)
}

// trap emits a trap exit recorded in the site table at wasm offset woff.
func (m *testModule) trap(code abi.TrapCode, woff uint32) {
	a := m.a
	l := a.NewLabel()
	a.Bind(l)
	a.MovRM(64, asm.RAX, asm.M(asm.R15, abi.VMExec))
	a.MovRI(64, asm.RCX, int64(abi.ExitTrap)|int64(code)<<8)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecExitCode), asm.RCX)
	a.LeaRIPLabel(asm.RCX, l)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecTrapPC), asm.RCX)
	a.MovMR(64, asm.M(asm.RAX, abi.ExecFrameBP), asm.RBP)
	a.MovRM(64, asm.RSP, asm.M(asm.RAX, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.RAX, abi.ExecGoBP))
	a.Ret()
	m.sites = append(m.sites, struct {
		l    asm.Label
		code abi.TrapCode
		fn   uint32
		woff uint32
	}{l, code, uint32(len(m.meta.Imports) + len(m.funcs) - 1), woff})
}

// fn starts defined function name of type typ; body emits its code.
func (m *testModule) fn(name string, typ uint32, body func(a *asm.Assembler)) {
	m.a.Align(16)
	m.fnNoAlign(name, typ, body)
}

func (m *testModule) fnNoAlign(name string, typ uint32, body func(a *asm.Assembler)) {
	a := m.a
	l := a.NewLabel()
	a.Bind(l)
	m.funcs = append(m.funcs, l)
	start := a.Len()
	body(a)
	m.meta.Funcs = append(m.meta.Funcs, object.Func{TypeIndex: typ, Name: name, CodeOffset: uint32(start), CodeSize: uint32(a.Len() - start)})
	m.meta.Exports = append(m.meta.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.meta.Imports) + len(m.funcs) - 1)})
}

// call emits a call to function index idx (imports go to their stub).
func (m *testModule) call(idx int) {
	if idx < len(m.stubs) {
		m.a.CallLabel(m.stubs[idx])
	} else {
		m.a.CallLabel(m.funcs[idx-len(m.stubs)])
	}
}

func (m *testModule) finish(t testing.TB) *object.Object {
	if err := m.a.Finish(); err != nil {
		t.Fatal(err)
	}
	for range m.meta.Types {
		m.meta.EntryStubs = append(m.meta.EntryStubs, uint32(m.a.LabelOffset(m.entry)))
	}
	for _, l := range m.stubs {
		m.meta.ImportStubs = append(m.meta.ImportStubs, uint32(m.a.LabelOffset(l)))
	}
	for _, s := range m.sites {
		m.meta.Sites = append(m.meta.Sites, object.Site{CodeOffset: uint32(m.a.LabelOffset(s.l)), Code: s.code, Func: s.fn, WasmOffset: s.woff})
	}
	for _, s := range m.extraSites {
		m.meta.Sites = append(m.meta.Sites, object.Site{CodeOffset: uint32(m.a.LabelOffset(s.l)), Code: s.code, Func: s.fn, WasmOffset: s.woff})
	}
	sort.Slice(m.meta.Sites, func(i, j int) bool { return m.meta.Sites[i].CodeOffset < m.meta.Sites[j].CodeOffset })
	return &object.Object{Meta: m.meta, Text: append([]byte(nil), m.a.Bytes()...)}
}

var (
	tI64   = wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	tI64x2 = wasm.FuncType{Params: []wasm.ValType{wasm.I64, wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	tVoid  = wasm.FuncType{}
)
