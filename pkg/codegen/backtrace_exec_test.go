package codegen_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// backtraceModule is a wasm binary whose exported functions trap a few
// calls deep, through direct calls and call_indirect; at maps a marker
// ("mid.call") to the module offset of that instruction.
type backtraceModule struct {
	bin []byte
	at  map[string]uint32
}

func wasmULEB(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func wasmName(s string) []byte { return append(wasmULEB(len(s)), s...) }

// newBacktraceModule builds
//
//	(type $v (func))
//	(memory 1)
//	(table 2 funcref) (elem (i32.const 0) $inner $mid2)
//	(func $inner unreachable)
//	(func $mid i32.const 0 call_indirect (type $v))  ;; -> $inner
//	(func $outer call $mid)
//	(func $mid2 nop call $inner)
//	(func $outer2 i32.const 1 call_indirect (type $v)) ;; -> $mid2
//	(func $oob call $void i32.const -1 i32.load drop)
//	(func $void)
//	(func $outer3 call $oob)
//
// with every function exported under its name.
func newBacktraceModule() *backtraceModule {
	type fn struct {
		name string
		body []string // instructions as "marker:hex bytes" ("" marker: unmarked)
	}
	funcs := []fn{
		{"inner", []string{"inner.unreachable:00"}},
		{"mid", []string{":41 00", "mid.call:11 00 00"}},
		{"outer", []string{"outer.call:10 01"}},
		{"mid2", []string{":01", "mid2.call:10 00"}},
		{"outer2", []string{":41 01", "outer2.call:11 00 00"}},
		{"oob", []string{":10 06", ":41 7f", "oob.load:28 02 00", ":1a"}},
		{"void", nil},
		{"outer3", []string{"outer3.call:10 05"}},
	}
	bm := &backtraceModule{at: map[string]uint32{}}
	sec := func(id byte, body []byte) {
		bm.bin = append(append(append(bm.bin, id), wasmULEB(len(body))...), body...)
	}
	bm.bin = []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	sec(1, []byte{1, 0x60, 0, 0})
	fs := wasmULEB(len(funcs))
	for range funcs {
		fs = append(fs, 0)
	}
	sec(3, fs)
	sec(4, []byte{1, 0x70, 0, 2})
	sec(5, []byte{1, 0, 1})
	ex := wasmULEB(len(funcs))
	for i, f := range funcs {
		ex = append(append(ex, wasmName(f.name)...), 0, byte(i))
	}
	sec(7, ex)
	sec(9, []byte{1, 0, 0x41, 0, 0x0b, 2, 0, 3})

	// The code section's size takes one LEB byte as long as it stays
	// under 128 bytes, so instruction offsets are known before it is
	// appended.
	code := wasmULEB(len(funcs))
	base := len(bm.bin) + 2
	for _, f := range funcs {
		body := []byte{0} // no locals
		marks := map[string]int{}
		for _, ins := range f.body {
			mark, hex, _ := strings.Cut(ins, ":")
			if mark != "" {
				marks[mark] = len(body)
			}
			for _, h := range strings.Fields(hex) {
				var b byte
				fmt.Sscanf(h, "%x", &b)
				body = append(body, b)
			}
		}
		body = append(body, 0x0b)
		code = append(code, wasmULEB(len(body))...)
		for m, off := range marks {
			bm.at[m] = uint32(base + len(code) + off)
		}
		code = append(code, body...)
	}
	if len(code) >= 128 {
		panic("backtrace module: code section too large for a one-byte size")
	}
	sec(10, code)
	return bm
}

// TestTrapBacktraceOffsets checks that every frame of a trap's backtrace,
// not only the innermost, carries the wasm offset of its instruction: the
// trapping one, then the direct call or call_indirect in each caller.
func TestTrapBacktraceOffsets(t *testing.T) {
	bm := newBacktraceModule()
	m, err := decode.Decode(bm.bin, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		export string
		code   abi.TrapCode
		frames []string // "func@marker"
	}{
		{"outer", abi.TrapUnreachable, []string{"inner@inner.unreachable", "mid@mid.call", "outer@outer.call"}},
		{"outer2", abi.TrapUnreachable, []string{"inner@inner.unreachable", "mid2@mid2.call", "outer2@outer2.call"}},
		// An out-of-bounds load right after a direct call: an explicit
		// check's trap stub, or in guard mode a fault at the load.
		{"outer3", abi.TrapMemoryOutOfBounds, []string{"oob@oob.load", "outer3@outer3.call"}},
	}
	for _, mode := range []struct {
		name string
		opts codegen.Options
	}{
		{"explicit", codegen.Options{}},
		{"guard", codegen.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}},
	} {
		obj, err := codegen.Compile(m, mode.opts)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(obj.Meta.Sites); i++ {
			if obj.Meta.Sites[i].CodeOffset < obj.Meta.Sites[i-1].CodeOffset {
				t.Fatalf("%s: sites not sorted at %d", mode.name, i)
			}
		}
		st, err := execute.NewStore(execute.Config{})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := st.InstantiateObject(obj, execute.ImportMap{})
		if err != nil {
			st.Close()
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.export, func(t *testing.T) {
				_, err := inst.Func(tt.export).Call()
				var tr *execute.Trap
				if !errors.As(err, &tr) || tr.Code != tt.code {
					t.Fatalf("got %v, want a %v trap", err, tt.code)
				}
				var got, want, text []string
				for _, f := range tr.Frames {
					got = append(got, fmt.Sprintf("%s@%#x", f.Func, f.WasmOffset))
				}
				text = append(text, "wasm trap: "+tt.code.String())
				for _, fr := range tt.frames {
					fn, mark, _ := strings.Cut(fr, "@")
					off, ok := bm.at[mark]
					if !ok {
						t.Fatalf("no marker %q", mark)
					}
					want = append(want, fmt.Sprintf("%s@%#x", fn, off))
					text = append(text, fmt.Sprintf("  at %s @%#x", fn, off))
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("frames %v, want %v", got, want)
				}
				if err.Error() != strings.Join(text, "\n") {
					t.Errorf("Error() = %q, want %q", err.Error(), strings.Join(text, "\n"))
				}
			})
		}
		st.Close()
	}
}
