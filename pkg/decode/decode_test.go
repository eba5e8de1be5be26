package decode_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Helpers that build modules byte by byte.

func uleb(v uint64) []byte {
	return binary.AppendUvarint(nil, v)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func str(s string) []byte { return cat(uleb(uint64(len(s))), []byte(s)) }

func sec(id byte, content ...[]byte) []byte {
	c := cat(content...)
	return cat([]byte{id}, uleb(uint64(len(c))), c)
}

func vec(items ...[]byte) []byte { return cat(uleb(uint64(len(items))), cat(items...)) }

func mod(sections ...[]byte) []byte {
	return cat([]byte("\x00asm\x01\x00\x00\x00"), cat(sections...))
}

func body(locals []byte, code ...byte) []byte {
	c := cat(locals, code)
	return cat(uleb(uint64(len(c))), c)
}

var (
	typeVoid   = sec(1, vec([]byte{0x60, 0, 0}))
	funcs1     = sec(3, vec([]byte{0}))
	noLocals   = vec()
	i32Const0  = []byte{0x41, 0x00, 0x0b}
	emptyBody  = body(noLocals, 0x0b)
	code1Empty = sec(10, vec(emptyBody))
)

// full is a module using every section and every element and data
// segment encoding.
func full() []byte {
	expr := func(ops ...byte) []byte { return cat(ops, []byte{0x0b}) }
	return mod(
		sec(1, vec([]byte{0x60, 0, 0}, []byte{0x60, 2, 0x7f, 0x7e, 1, 0x7f})),
		sec(2, vec(
			cat(str("env"), str("f"), []byte{0, 1}),
			cat(str("env"), str("t"), []byte{1, 0x70, 0, 1}),
			cat(str("env"), str("m"), []byte{2, 1, 1, 2}),
			cat(str("env"), str("g"), []byte{3, 0x7f, 0}),
			cat(str("env"), str("f2"), []byte{0, 0}),
		)),
		sec(3, vec([]byte{0}, []byte{1})),
		sec(4, vec([]byte{0x6f, 0, 3})),
		sec(6, vec(cat([]byte{0x7f, 1}, i32Const0), cat([]byte{0x7e, 0}, expr(0x42, 0x7f)))),
		sec(7, vec(cat(str("run"), []byte{0, 2}), cat(str("mem"), []byte{2, 0}))),
		sec(8, uleb(2)),
		sec(9, vec(
			cat([]byte{0}, i32Const0, vec([]byte{2}, []byte{3})),              // 0: active table 0, func indices
			cat([]byte{1, 0}, vec([]byte{2})),                                 // 1: passive, elemkind
			cat([]byte{2, 0}, i32Const0, []byte{0}, vec([]byte{3})),           // 2: active table 0 explicit
			cat([]byte{3, 0}, vec([]byte{0})),                                 // 3: declarative
			cat([]byte{4}, i32Const0, vec(expr(0xd2, 1), expr(0xd0, 0x70))),   // 4: active, exprs
			cat([]byte{5, 0x70}, vec(expr(0xd2, 0))),                          // 5: passive, exprs
			cat([]byte{6, 1}, i32Const0, []byte{0x6f}, vec(expr(0xd0, 0x6f))), // 6: active table 1, exprs
			cat([]byte{7, 0x70}, vec(expr(0xd2, 3), expr(0xd0, 0x70))),        // 7: declarative, exprs
		)),
		sec(12, uleb(3)),
		sec(10, vec(
			body(vec([]byte{2, 0x7f}, []byte{1, 0x7c}), 0x20, 0, 0x1a, 0xfc, 0x09, 1, 0x0b),
			body(noLocals, 0x20, 0, 0x02, 0x40, 0x0b, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x0b),
		)),
		sec(11, vec(
			cat([]byte{0}, i32Const0, str("hi")),
			cat([]byte{1}, str("passive")),
			cat([]byte{2, 0}, expr(0x41, 8), str("x")),
		)),
		sec(0, str("producers"), []byte{1, 2, 3}),
		sec(0, str("name"),
			sec(0, str("modname")),
			sec(1, vec(cat(uleb(2), str("run")), cat(uleb(3), str("other")))),
			sec(2, vec(cat(uleb(2), vec(cat(uleb(0), str("p0")), cat(uleb(1), str("loc")))))),
		),
	)
}

func TestDecodeFull(t *testing.T) {
	b := full()
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Errorf("validate: %v", err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("types", len(m.Types), 2)
	check("type 1", m.Types[1].String(), "[i32 i64] -> [i32]")
	check("imports", len(m.Imports), 5)
	check("imported funcs", m.NumImportedFuncs, uint32(2))
	check("imported tables", m.NumImportedTables, uint32(1))
	check("imported mems", m.NumImportedMems, uint32(1))
	check("imported globals", m.NumImportedGlobals, uint32(1))
	check("ImportIndex[func][1]", m.ImportIndex[wasm.ExternFunc][1], uint32(4))
	check("ImportOf(global,0).Name", m.ImportOf(wasm.ExternGlobal, 0).Name, "g")
	check("mem import max", m.Imports[2].Mem.Limits, wasm.Limits{Min: 1, Max: 2, HasMax: true})
	check("funcs", len(m.Funcs), 2)
	check("table 0 type", m.Tables[0].Elem, wasm.ExternRef)
	check("global 0 mutable", m.Globals[0].Type.Mutable, true)
	check("global 1 init", m.Globals[1].Init.Value, uint64(0xffffffffffffffff))
	check("exports", len(m.Exports), 2)
	check("start", m.Start, uint32(2))
	check("has start", m.HasStart, true)
	check("elems", len(m.Elems), 8)
	wantModes := []wasm.SegmentMode{wasm.SegmentActive, wasm.SegmentPassive, wasm.SegmentActive, wasm.SegmentDeclarative,
		wasm.SegmentActive, wasm.SegmentPassive, wasm.SegmentActive, wasm.SegmentDeclarative}
	for i, e := range m.Elems {
		check("elem mode", e.Mode, wantModes[i])
	}
	check("elem 0 item 1", m.Elems[0].Init[1].Index, uint32(3))
	check("elem 0 item op", m.Elems[0].Init[1].Op, wasm.OpRefFunc)
	check("elem 4 item 1 op", m.Elems[4].Init[1].Op, wasm.OpRefNull)
	check("elem 6 table", m.Elems[6].Table, uint32(1))
	check("elem 6 type", m.Elems[6].Type, wasm.ExternRef)
	check("elem 7 item 1 op", m.Elems[7].Init[1].Op, wasm.OpRefNull)
	check("data count", m.DataCount, uint32(3))
	check("datas", len(m.Datas), 3)
	check("data 1 mode", m.Datas[1].Mode, wasm.SegmentPassive)
	check("data 1", string(m.Datas[1].Init), "passive")
	check("data 2 offset", m.Datas[2].Offset.Value, uint64(8))
	check("code 0 locals", m.Codes[0].NumLocals, uint32(3))
	check("code 0 local entries", len(m.Codes[0].Locals), 2)
	check("customs", len(m.Customs), 1)
	check("custom name", m.Customs[0].Name, "producers")
	check("custom offset", string(b[m.Customs[0].Offset:m.Customs[0].Offset+3]), "\x01\x02\x03")
	check("module name", m.Names.Module, "modname")
	check("func name", m.Names.Funcs[3], "other")
	check("local name", m.Names.Locals[2][1], "loc")
	check("names err", m.Names.Err, nil)
	check("FuncName(2)", m.FuncName(2), "run")
	for i, c := range m.Codes {
		// Bodies point into the input: no copy.
		if unsafe.SliceData(c.Body) != &b[c.BodyOffset] {
			t.Errorf("code %d: Body is not a sub-slice of the input at BodyOffset", i)
		}
		if c.Body[len(c.Body)-1] != 0x0b {
			t.Errorf("code %d: Body does not end with end", i)
		}
	}
}

func TestConstExprShapes(t *testing.T) {
	global := func(expr ...byte) []byte { return mod(sec(6, vec(cat([]byte{0x7f, 0}, expr)))) }
	tests := []struct {
		name     string
		expr     []byte
		op       wasm.Opcode
		n        int
		nonConst bool
	}{
		{"const", []byte{0x41, 0x05, 0x0b}, wasm.OpI32Const, 1, false},
		{"empty", []byte{0x0b}, wasm.OpEnd, 0, false},
		{"two consts", []byte{0x41, 1, 0x41, 2, 0x0b}, wasm.OpI32Const, 2, false},
		{"add", []byte{0x41, 1, 0x41, 2, 0x6a, 0x0b}, wasm.OpI32Const, 3, true},
		{"nop", []byte{0x01, 0x0b}, wasm.OpNop, 1, true},
		{"block", []byte{0x02, 0x7f, 0x41, 1, 0x0b, 0x0b}, wasm.OpBlock, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := decode.Decode(global(tt.expr...), decode.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ce := m.Globals[0].Init
			if ce.Op != tt.op || ce.NumInstrs != tt.n || ce.NonConst != tt.nonConst || len(ce.Code) != len(tt.expr) {
				t.Errorf("got op %v n %d nonconst %v code %x; want op %v n %d nonconst %v code %x",
					ce.Op, ce.NumInstrs, ce.NonConst, ce.Code, tt.op, tt.n, tt.nonConst, tt.expr)
			}
			_, verr := validate.Module(m, validate.Options{})
			if (verr == nil) != (tt.name == "const") {
				t.Errorf("validate: %v", verr)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	small := decode.Limits{Types: 2, Locals: 10, Imports: 1, FuncSize: 20, TableSize: 100, MemoryPages: 10}
	tests := []struct {
		name    string
		in      []byte
		lim     decode.Limits
		want    string // substring of the message
		is      error  // errors.Is target, if any
		offset  int
		section string
		fn      int
	}{
		{"empty", nil, decode.Limits{}, "unexpected end", wasm.ErrUnexpectedEnd, 0, "", -1},
		{"magic", []byte("\x00asn\x01\x00\x00\x00"), decode.Limits{}, "magic header not detected", decode.ErrMagic, 0, "", -1},
		{"version", []byte("\x00asm\x02\x00\x00\x00"), decode.Limits{}, "unknown binary version", decode.ErrVersion, 4, "", -1},
		{"short version", []byte("\x00asm\x01"), decode.Limits{}, "unexpected end", nil, 5, "", -1},
		{"section id", mod([]byte{13, 0}), decode.Limits{}, "malformed section id", decode.ErrSectionID, 8, "", -1},
		{"section too long", mod([]byte{1, 5, 0}), decode.Limits{}, "length out of bounds", decode.ErrLength, 9, "type", -1},
		{"section size", mod(sec(1, vec(), []byte{0})), decode.Limits{}, "section size mismatch", decode.ErrSectionSize, 8, "type", -1},
		{"order", mod(funcs1, typeVoid), decode.Limits{}, "unexpected content after last section", decode.ErrAfterLast, 12, "", -1},
		{"duplicate", mod(typeVoid, typeVoid), decode.Limits{}, "unexpected content after last section", nil, 14, "", -1},
		{"func type form", mod(sec(1, vec([]byte{0x61, 0, 0}))), decode.Limits{}, "malformed function type", decode.ErrFuncType, 11, "type", -1},
		{"value type", mod(sec(1, vec([]byte{0x60, 1, 0x10, 0}))), decode.Limits{}, "malformed value type", decode.ErrValType, 13, "type", -1},
		{"leb too long", mod(sec(3, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0})), decode.Limits{}, "integer representation too long", wasm.ErrIntTooLong, 14, "function", -1},
		{"hostile count", mod(sec(3, []byte{0xff, 0xff, 0xff, 0xff, 0x0f})), decode.Limits{}, "length out of bounds", decode.ErrLength, 10, "function", -1},
		{"import kind", mod(sec(2, vec(cat(str("a"), str("b"), []byte{4, 0})))), decode.Limits{}, "malformed import kind", decode.ErrImportKind, 15, "import", -1},
		{"mutability", mod(sec(6, vec(cat([]byte{0x7f, 2}, i32Const0)))), decode.Limits{}, "malformed mutability", decode.ErrMutability, 12, "global", -1},
		{"utf8", mod(sec(7, vec(cat(str("\xff"), []byte{0, 0})))), decode.Limits{}, "malformed UTF-8 encoding", decode.ErrUTF8, 11, "export", -1},
		{"func code", mod(typeVoid, funcs1), decode.Limits{}, "function and code section have inconsistent lengths", decode.ErrFuncCode, 18, "", -1},
		{"data count", mod(sec(12, uleb(1))), decode.Limits{}, "data count and data section have inconsistent lengths", decode.ErrDataCount, 11, "", -1},
		{"data count required", mod(typeVoid, funcs1, sec(5, vec([]byte{0, 1})),
			sec(10, vec(body(noLocals, 0xfc, 9, 0, 0x0b))), sec(11, vec(cat([]byte{1}, str("x"))))),
			decode.Limits{}, "data count section required", decode.ErrDataCountRequired, 38, "", -1},
		{"illegal opcode", mod(typeVoid, funcs1, sec(10, vec(body(noLocals, 0xff, 0x0b)))), decode.Limits{},
			"illegal opcode", wasm.ErrIllegalOpcode, 23, "code", 0},
		{"else outside if", mod(typeVoid, funcs1, sec(10, vec(body(noLocals, 0x02, 0x40, 0x05, 0x0b, 0x0b)))), decode.Limits{},
			"END opcode expected", decode.ErrEndExpected, 25, "code", 0},
		{"missing end", mod(typeVoid, funcs1, sec(10, vec(body(noLocals, 0x01)))), decode.Limits{},
			"unexpected end of section or function", decode.ErrEOS, 24, "code", 0},
		{"body size", mod(typeVoid, funcs1, sec(10, vec([]byte{3, 0, 0x0b, 0x01}))), decode.Limits{},
			"section size mismatch", decode.ErrSectionSize, 21, "code", 0},
		{"zero byte", mod(typeVoid, funcs1, sec(10, vec(body(noLocals, 0x3f, 1, 0x1a, 0x0b)))), decode.Limits{},
			"zero byte expected", wasm.ErrZeroByte, 23, "code", 0},
		{"ref type", mod(sec(4, vec([]byte{0x7f, 0, 1}))), decode.Limits{}, "malformed reference type", wasm.ErrMalformedRef, 11, "table", -1},
		{"elem kind", mod(sec(9, vec(cat([]byte{1, 1}, vec())))), decode.Limits{}, "malformed element kind", decode.ErrElemKind, 12, "element", -1},
		{"elem segment kind", mod(sec(9, vec([]byte{8}))), decode.Limits{}, "malformed elements segment kind", decode.ErrElemSegKind, 11, "element", -1},
		{"data segment kind", mod(sec(11, vec([]byte{3}))), decode.Limits{}, "malformed data segment kind", decode.ErrDataSegKind, 11, "data", -1},
		{"limits flags", mod(sec(5, vec([]byte{2, 0}))), decode.Limits{}, "integer too large", wasm.ErrIntTooLarge, 11, "memory", -1},
		{"custom name past section", mod([]byte{0, 0, 1, 'a'}), decode.Limits{}, "unexpected end", nil, 10, "custom", -1},
		{"custom content short", mod([]byte{0, 3, 1, 'a'}), decode.Limits{}, "unexpected end", nil, 12, "custom", -1},
		// Limits.
		{"too many types", mod(sec(1, vec([]byte{0x60, 0, 0}, []byte{0x60, 0, 0}, []byte{0x60, 0, 0}))), small,
			"types: 3 exceeds limit 2", decode.ErrLimit, 10, "type", -1},
		{"too many locals", mod(typeVoid, funcs1, sec(10, vec(body(vec([]byte{11, 0x7f}), 0x0b)))), small,
			"too many locals: 11 exceeds limit 10", decode.ErrTooManyLocals, 22, "code", 0},
		{"spec too many locals", mod(typeVoid, funcs1, sec(10, vec(body(vec(cat(uleb(0xffffffff), []byte{0x7f}), []byte{2, 0x7e}), 0x0b)))),
			decode.Limits{}, "too many locals", decode.ErrLimit, 22, "code", 0},
		{"too many imports", mod(sec(2, vec(cat(str("a"), str("b"), []byte{0, 0}), cat(str("a"), str("c"), []byte{0, 0})))), small,
			"imports: 2 exceeds limit 1", decode.ErrLimit, 10, "import", -1},
		{"function size", mod(typeVoid, funcs1, sec(10, vec(body(noLocals, make([]byte, 30)...)))), small,
			"function body size: 31 exceeds limit 20", decode.ErrLimit, 21, "code", 0},
		{"table size", mod(sec(4, vec([]byte{0x70, 0, 101}))), small, "table size: 101 exceeds limit 100", decode.ErrLimit, 12, "table", -1},
		{"memory pages", mod(sec(5, vec([]byte{0, 11}))), small, "memory pages: 11 exceeds limit 10", decode.ErrLimit, 11, "memory", -1},
		// The default, wasmtime's: 10 million (the bound before) let a
		// 60 MB module take over 6 GB to compile.
		{"default element segments", mod(sec(9, cat(uleb(100001), make([]byte, 100001)))), decode.Limits{},
			"element segments: 100001 exceeds limit 100000", decode.ErrLimit, 12, "element", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := decode.Decode(tt.in, decode.Options{Limits: tt.lim})
			if err == nil {
				t.Fatalf("decoded %+v, want error %q", m, tt.want)
			}
			var de *decode.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *decode.Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if de.Offset != tt.offset || de.Section != tt.section || de.Func != tt.fn {
				t.Errorf("error at 0x%x section %q func %d, want 0x%x %q %d (%v)", de.Offset, de.Section, de.Func,
					tt.offset, tt.section, tt.fn, err)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &decode.Error{Offset: 0x1a, Section: "code", Func: 3, Err: decode.ErrEOS}
	if got, want := e.Error(), "0x1a: code section: func 3: unexpected end of section or function"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &decode.Error{Offset: 0, Func: -1, Err: decode.ErrMagic}
	if got, want := e.Error(), "0x0: magic header not detected"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMalformedNameSectionIsTolerated(t *testing.T) {
	tests := []struct {
		name  string
		names []byte
		funcs int
	}{
		{"truncated subsection", cat(sec(1, vec(cat(uleb(0), str("a")))), []byte{2, 9, 1}), 1},
		{"bad utf8", sec(1, vec(cat(uleb(0), str("a")), cat(uleb(1), str("\xc0")))), 1},
		{"out of order", cat(sec(1, vec(cat(uleb(0), str("a")))), sec(0, str("m"))), 1},
		{"size mismatch", sec(1, vec(cat(uleb(0), str("a"))), []byte{0}), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mod(typeVoid, funcs1, code1Empty, sec(0, str("name"), tt.names))
			m, err := decode.Decode(b, decode.Options{})
			if err != nil {
				t.Fatalf("a malformed name section failed the module: %v", err)
			}
			if m.Names.Err == nil || !errors.Is(m.Names.Err, decode.ErrNameSection) {
				t.Errorf("Names.Err = %v, want a malformed name section error", m.Names.Err)
			}
			if len(m.Names.Funcs) != tt.funcs {
				t.Errorf("kept %d function names, want %d", len(m.Names.Funcs), tt.funcs)
			}
		})
	}
}

func TestRepeatedNameSection(t *testing.T) {
	first := sec(0, str("name"))
	second := sec(0, str("name"), sec(0, str("m2")))
	m, err := decode.Decode(mod(first, second), decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Names.HasModule || len(m.Customs) != 1 || m.Customs[0].Name != "name" {
		t.Errorf("the first (empty) name section should win and the second be kept as a custom section: %+v %+v", m.Names, m.Customs)
	}
}

func TestDecodeReaderLimit(t *testing.T) {
	b := full()
	if _, err := decode.DecodeReader(strings.NewReader(string(b)), decode.Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := decode.DecodeReader(strings.NewReader(string(b)), decode.Options{Limits: decode.Limits{ModuleSize: 100}})
	if !errors.Is(err, decode.ErrLimit) || !strings.Contains(err.Error(), "module size") {
		t.Errorf("got %v, want a module size limit error", err)
	}
}

func TestGobig(t *testing.T) {
	b := gobig(t)
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Funcs) < 1000 || len(m.Codes) != len(m.Funcs) || len(m.Datas) == 0 || m.NumImportedFuncs == 0 {
		t.Errorf("implausible gobig: %d funcs, %d codes, %d datas, %d imported funcs",
			len(m.Funcs), len(m.Codes), len(m.Datas), m.NumImportedFuncs)
	}
	for _, im := range m.Imports {
		if im.Module != "wasi_snapshot_preview1" {
			t.Errorf("import from %q", im.Module)
		}
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Errorf("validate: %v", err)
	}
}

// smallModules are the seed modules in testdata/small plus full().
func smallModules(tb testing.TB) [][]byte {
	files, err := filepath.Glob("../../testdata/small/*.wasm")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no testdata/small/*.wasm (%v)", err)
	}
	out := [][]byte{full()}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestTruncated cuts valid modules at every byte: every prefix but the
// whole must be an error (a module cut at a section boundary is itself
// well-formed, so those are only required not to panic).
func TestTruncated(t *testing.T) {
	for _, b := range smallModules(t) {
		if _, err := decode.Decode(b, decode.Options{}); err != nil {
			t.Fatalf("seed does not decode: %v", err)
		}
		boundaries := sectionStarts(b)
		for n := 0; n < len(b); n++ {
			_, err := decode.Decode(b[:n], decode.Options{})
			if err == nil && !boundaries[n] {
				t.Errorf("prefix of %d/%d bytes decoded", n, len(b))
			}
		}
	}
	// gobig: a sample of cut points, as each decode takes milliseconds.
	b := gobig(t)
	boundaries := sectionStarts(b)
	for i := 1; i < 40; i++ {
		n := len(b) * i / 40
		if _, err := decode.Decode(b[:n], decode.Options{}); err == nil && !boundaries[n] {
			t.Errorf("gobig prefix of %d bytes decoded", n)
		}
	}
}

// sectionStarts marks the offsets where a section starts or the module ends.
func sectionStarts(b []byte) map[int]bool {
	out := map[int]bool{8: true}
	pos := 8
	for pos < len(b) {
		pos++
		size, n, err := wasm.ReadU32(b[pos:])
		if err != nil {
			break
		}
		pos += n + int(size)
		out[pos] = true
	}
	return out
}

// TestFlippedBytes changes every byte of the small modules to a few
// values; decode and validate must never panic.
func TestFlippedBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow-ish: 3 variants of every byte of every seed; skipped in -short")
	}
	for _, orig := range smallModules(t) {
		b := append([]byte(nil), orig...)
		for i := range b {
			for _, v := range []byte{0xff, 0x80, orig[i] ^ 0x01} {
				b[i] = v
				decodeValidate(b)
			}
			b[i] = orig[i]
		}
	}
}

// decodeValidate runs both stages and reports whether the module passed.
func decodeValidate(b []byte) bool {
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return false
	}
	_, err = validate.Module(m, validate.Options{Parallel: 1})
	return err == nil
}

// TestHostileCountsDoNotAllocate: vectors that claim as many items as
// there are bytes left, but fail on the first item, must not make
// decode allocate in proportion to the claim times the item size.
func TestHostileCountsDoNotAllocate(t *testing.T) {
	const n = 4 << 20
	pad := make([]byte, n)
	for i := range pad {
		pad[i] = 0xff // not a valid item start in any of the sections below
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{"elem", mod(cat([]byte{9}, uleb(n+5), uleb(n), pad))},
		{"data", mod(cat([]byte{11}, uleb(n+5), uleb(n), pad))},
		{"global", mod(cat([]byte{6}, uleb(n+5), uleb(n), pad))},
		{"import", mod(cat([]byte{2}, uleb(n+5), uleb(n), pad))},
		{"elem items", mod(cat([]byte{9}, uleb(n+10), []byte{1, 1, 0}, uleb(n), pad))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := decode.DefaultLimits
			lim.Imports, lim.Globals, lim.DataSegments, lim.ElemSegments = n, n, n, n
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := decode.Decode(tt.in, decode.Options{Limits: lim})
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("decoded garbage")
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
				t.Errorf("allocated %d MB for a %d MB input that fails at its first item", got>>20, len(tt.in)>>20)
			}
		})
	}
}

// TestManyGlobalsAllocation: the global vector of a big module grows by
// doubling from maxPrealloc, so decoding it allocates at most about twice
// the vector it ends with. append grew it a quarter at a time, which for
// 1M globals copied the 90 MB vector about five times over. (With go1.26
// this test passes on that code too: the runtime frees the backing store
// append leaves behind and MemStats no longer counts it, but the copies
// and page faults remain; lucetc's time and RSS showed them.)
func TestManyGlobalsAllocation(t *testing.T) {
	for _, n := range []int{1 << 10, 200_000} {
		g := make([]byte, 0, 5*n)
		for range n {
			g = append(g, byte(wasm.I32), 1, byte(wasm.OpI32Const), 0, byte(wasm.OpEnd))
		}
		in := mod(sec(6, uleb(uint64(n)), g))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := decode.Decode(in, decode.Options{})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Globals) != n {
			t.Fatalf("%d globals decoded, want %d", len(m.Globals), n)
		}
		vector := uint64(n) * uint64(unsafe.Sizeof(wasm.Global{}))
		if got := after.TotalAlloc - before.TotalAlloc; got > 3*max(vector, 64<<10*uint64(unsafe.Sizeof(wasm.Global{}))) {
			t.Errorf("%d globals: decode allocated %d bytes for a %d-byte vector", n, got, vector)
		}
	}
}

// TestWasmMaxIsDecodeLimit: the tools read no more of a .wasm than the
// decoder accepts.
func TestWasmMaxIsDecodeLimit(t *testing.T) {
	if decode.DefaultLimits.ModuleSize != sniff.WasmMax {
		t.Fatalf("decode.DefaultLimits.ModuleSize %d, sniff.WasmMax %d", decode.DefaultLimits.ModuleSize, sniff.WasmMax)
	}
}
