package codegen_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/lucet-go/lucet/internal/disasm"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestMemoryCopyOverlap checks the inline memory.copy and memory.fill
// against Go's copy for overlapping ranges in both directions and lengths
// of every size to 300 and beyond the rep threshold, at several alignments,
// in the SSE lowering and (on a host with AVX) the AVX one.
// Each lowering runs with ERMS (rep movsb/stosb from bulkRepMin bytes)
// and without (the loops at every length).
func TestMemoryCopyOverlap(t *testing.T) {
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	for _, erms := range []uint64{object.FeatureERMS, 0} {
		name := map[uint64]string{object.FeatureERMS: "", 0: "-noerms"}[erms]
		t.Run("sse"+name, func(t *testing.T) { testMemoryCopyOverlap(t, base|erms) })
		t.Run("avx"+name, func(t *testing.T) {
			if !cpu.X86.HasAVX {
				t.Skip("the host has no AVX to run the AVX lowering")
			}
			testMemoryCopyOverlap(t, base|object.FeatureAVX|erms)
		})
	}
}

// TestRepOnlyWithERMS: rep movsb/stosb are slow on a CPU that does not
// report ERMS (strings-bulk 1.4x the CPU time of the loops on an EPYC
// VM), so code for such a target has none, and code for one with ERMS
// has both (that the loader never requires ERMS: load.TestFeatures).
func TestRepOnlyWithERMS(t *testing.T) {
	m := copyFillModule()
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	for _, f := range []uint64{base, base | object.FeatureAVX} {
		for _, erms := range []bool{true, false} {
			feat := f
			if erms {
				feat |= object.FeatureERMS
			}
			obj, err := codegen.Compile(m, codegen.Options{Features: feat})
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			if err := disasm.Object(&sb, obj, disasm.Options{}); err != nil {
				t.Fatal(err)
			}
			text := sb.String()
			movsb, stosb := strings.Contains(text, "rep movs"), strings.Contains(text, "rep stos")
			if movsb != erms || stosb != erms {
				t.Errorf("features %s: rep movsb %v, rep stosb %v; want %v", object.FeatureString(feat), movsb, stosb, erms)
			}
		}
	}
}

// copyFillModule has two functions of (dst, src or byte, n): memory.copy
// and memory.fill.
func copyFillModule() *wasm.Module {
	return &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I32, wasm.I32, wasm.I32}}},
		Funcs: []uint32{0, 0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{
			{Body: []byte{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10, 0, 0, 0x0b}}, // memory.copy
			{Body: []byte{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 11, 0, 0x0b}},    // memory.fill
		},
	}
}

func testMemoryCopyOverlap(t *testing.T, features uint64) {
	m := copyFillModule()
	m.Exports = []wasm.Export{{Name: "copy", Kind: wasm.ExternFunc, Index: 0}, {Name: "fill", Kind: wasm.ExternFunc, Index: 1}}
	inst := compileInstance(t, m, codegen.Options{Features: features})
	mem := inst.Memory().Bytes()
	ref := make([]byte, len(mem))
	// Only a window around the ranges is reset and compared: every
	// length and distance below is a call.
	const lo, hi = 4000, 16000
	reset := func() {
		for i := lo; i < hi; i++ {
			mem[i] = byte(i*7 + i>>8)
		}
		copy(ref[lo:hi], mem[lo:hi])
	}
	// Every length up to 300 crosses each small-move width and the
	// 64-byte rounds' head and tail; the longer ones reach rep movsb
	// (bulkRepMin) and the long backward loop.
	var lens []int
	for n := 0; n <= 300; n++ {
		lens = append(lens, n)
	}
	lens = append(lens, 1000, 2047, 2048, 2049, 5000)
	dists := []int{-400, -70, -64, -33, -17, -16, -15, -9, -8, -1, 0, 1, 3, 8, 9, 15, 16, 17, 31, 32, 33, 40, 64, 65, 70, 400}
	for _, n := range lens {
		for _, src := range []int{5000, 5007, 5024} { // three source alignments
			for _, dist := range dists {
				dst := src + dist
				reset()
				if _, err := inst.Func("copy").Call(uint64(dst), uint64(src), uint64(n)); err != nil {
					t.Fatal(err)
				}
				copy(ref[dst:dst+n], ref[src:src+n])
				if !bytes.Equal(mem[lo:hi], ref[lo:hi]) {
					t.Fatalf("memory.copy(dst=%d, src=%d, n=%d) differs from copy", dst, src, n)
				}
			}
		}
		for _, dst := range []int{5000, 5001, 5008, 5015} {
			reset()
			if _, err := inst.Func("fill").Call(uint64(dst), 0x1ab, uint64(n)); err != nil {
				t.Fatal(err)
			}
			for i := dst; i < dst+n; i++ {
				ref[i] = 0xab
			}
			if !bytes.Equal(mem[lo:hi], ref[lo:hi]) {
				t.Fatalf("memory.fill(dst=%d, n=%d) differs", dst, n)
			}
		}
	}
}

// TestObjectRecordsAVX: code allowed AVX may use it (memory.copy), so the
// object must say so, or a host without AVX would load it and meet
// SIGILL instead of the loader's error naming the feature.
func TestObjectRecordsAVX(t *testing.T) {
	m := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I32, wasm.I32, wasm.I32}}},
		Funcs: []uint32{0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{{Body: []byte{0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 10, 0, 0, 0x0b}}},
	}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	for _, tc := range []struct {
		allowed, want uint64
	}{
		{base, base},
		{base | object.FeatureAVX, base | object.FeatureAVX},
		// SSE4.2 since i64x2's signed compares use pcmpgtq.
		{base | object.FeatureSSE42, base | object.FeatureSSE42},
		{object.AllFeatures, base | object.FeatureSSE42 | object.FeatureAVX | object.FeatureAVX2 | object.FeatureBMI2 | object.FeatureERMS}, // features the code generator never uses (SSE4.2 before pcmpgtq) are not demanded of the host
	} {
		obj, err := codegen.Compile(m, codegen.Options{Features: tc.allowed})
		if err != nil {
			t.Fatal(err)
		}
		if got := obj.Meta.Features; got != tc.want {
			t.Errorf("allowed %s: object records %s, want %s", object.FeatureString(tc.allowed), object.FeatureString(got), object.FeatureString(tc.want))
		}
	}
}
