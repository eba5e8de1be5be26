package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestVarShifts runs shifts by a variable count, with BMI2 (shlx, shrx,
// sarx: emit_ops.go, shift) where the host has it, against the baseline
// tier without: constant, parameter and loaded values, counts beyond the
// width, the count dying at the shift, the value used again after it.
func TestVarShifts(t *testing.T) {
	cat := catCode
	x := []byte{0x20, 0}
	n32 := cat(x, []byte{0x28, 2, 0})  // i32.load x: counts of any size
	v64 := cat(x, []byte{0x29, 3, 16}) // i64.load offset=16 x
	var names []string
	var bodies [][]byte
	add := func(name string, body ...[]byte) {
		names, bodies = append(names, name), append(bodies, cat(body...))
	}
	for _, op := range []struct {
		name       string
		op32, op64 byte
	}{{"shl", 0x74, 0x86}, {"shr_s", 0x75, 0x87}, {"shr_u", 0x76, 0x88}} {
		add("i32 1 "+op.name+" n", i32Const(1), n32, []byte{op.op32, 0xad})
		add("i32 -0x80000000 "+op.name+" n", i32Const(-0x80000000), n32, []byte{op.op32, 0xad})
		add("i32 x "+op.name+" n", x, n32, []byte{op.op32, 0xad})
		add("i32 x "+op.name+" x", x, x, []byte{op.op32, 0xad})
		add("i32 load "+op.name+" n, x after", n32, x, []byte{op.op32, 0x20, 0, 0x6a, 0xad})
		add("i64 1 "+op.name+" n", i64c(1), n32, []byte{0xac, op.op64})
		add("i64 load "+op.name+" n", v64, n32, []byte{0xac, op.op64})
		add("i64 load "+op.name+" load", v64, v64, []byte{op.op64})
		add("i64 load "+op.name+" n, both after", v64, []byte{0x22, 1}, n32, []byte{0xac, 0x22, 2, op.op64, 0x20, 1, 0x7c, 0x20, 2, 0x7c})
	}
	m := accessModule(wasm.I32, names, bodies)
	for i := range names {
		m.Codes[i].Locals = []wasm.LocalEntry{{Count: 2, Type: wasm.I64}}
	}
	feats := []uint64{amd64.Machine{}.DefaultFeatures()}
	if load.HostFeatures()&object.FeatureBMI2 != 0 {
		feats = append(feats, amd64.Machine{}.DefaultFeatures()|object.FeatureBMI2)
	}
	for _, bm := range boundsModes {
		opts := bm.opts
		inst := compileInstance(t, m, opts)
		fillMemory(t, inst, 0)
		ref := callAll(t, inst, names, returnXs, [][]uint64{{}})
		for _, f := range feats {
			t.Run(fmt.Sprintf("%s/features=%#x", bm.name, f), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel, opts.Features = 2, f
				inst := compileInstance(t, m, opts)
				fillMemory(t, inst, 0)
				for k, v := range callAll(t, inst, names, returnXs, [][]uint64{{}}) {
					if ref[k] != v {
						t.Errorf("%s: %+v, the baseline tier %+v", k, v, ref[k])
					}
				}
			})
		}
	}
}
