package execute

import (
	"bytes"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// sleb appends v as a signed LEB128 (an i32.const immediate).
func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// memory.copy on a host with AVX holds up to 160 bytes in ymm registers
// between its loads and stores. A preemption injected between the two
// must bring back all 32 bytes of each, not only the xmm halves: Go code
// runs in between (its memmove uses AVX and vzeroupper). Copies that
// leave memory as it was (onto themselves, and there and back between
// two regions, through each path of the AVX lowering) are preempted many
// times; any lost upper half shows as changed bytes (zeros, as Go left
// them).
func TestPreemptKeepsYMM(t *testing.T) {
	if !cpu.X86.HasAVX {
		t.Skip("the host has no AVX: memory.copy uses no ymm register")
	}
	type cp struct{ dst, src, n int64 }
	copies := []cp{
		{5007, 5007, 145},   // backward rounds (the destination starts inside the source)
		{30000, 30000, 100}, // 65-128 bytes: all loads, then all stores
		{20000, 10000, 700}, // forward rounds
		{10000, 20000, 700},
		{40001, 40001, 1500}, // long backward
	}
	var body []byte
	body = append(body, 0x03, 0x40) // loop
	for _, c := range copies {
		body = append(body, 0x41)
		body = sleb(body, c.dst)
		body = append(body, 0x41)
		body = sleb(body, c.src)
		body = append(body, 0x41)
		body = sleb(body, c.n)
		body = append(body, 0xfc, 10, 0, 0) // memory.copy
	}
	// local.get 0, i32.const 1, i32.sub, local.tee 0, br_if 0, end, end
	body = append(body, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x0b)
	m := &wasm.Module{
		Types:   []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}}},
		Funcs:   []uint32{0},
		Mems:    []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes:   []wasm.Code{{Body: body}},
		Exports: []wasm.Export{{Name: "copies", Kind: wasm.ExternFunc, Index: 0}},
	}
	features := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1 | object.FeatureAVX
	for _, tc := range []struct {
		name   string
		bounds object.BoundsChecks
	}{{"explicit", object.BoundsExplicit}, {"guard", object.BoundsGuard}} {
		bounds := tc.bounds
		t.Run(tc.name, func(t *testing.T) {
			opts := compileOptions(0, bounds)
			opts.Features = features
			obj, err := codegen.Compile(m, opts)
			if err != nil {
				t.Fatal(err)
			}
			if obj.Meta.Features&object.FeatureAVX == 0 {
				t.Fatal("the object does not use AVX: the test would prove nothing")
			}
			_, inst := newInstance(t, Config{}, obj, nil)
			mem := inst.Memory().Bytes()
			for i := range mem {
				mem[i] = byte(i*7 + i>>8 + 1)
			}
			// One round of the copies leaves memory as every later one
			// does: a copy onto itself changes nothing, and after the
			// first there-and-back both regions hold the same bytes.
			want := bytes.Clone(mem)
			for _, c := range copies {
				copy(want[c.dst:c.dst+c.n], want[c.src:c.src+c.n])
			}
			stop := preemptStorm()
			defer stop()
			var preempted uint64
			for round := 0; round < 20 && preempted < 200; round++ {
				before := Preemptions()
				if _, err := inst.Func("copies").Call(200_000); err != nil {
					t.Fatal(err)
				}
				preempted += Preemptions() - before
				if i := firstDiff(mem, want); i >= 0 {
					t.Fatalf("round %d: byte %d is %#x, want %#x (after %d preemptions)", round, i, mem[i], want[i], preempted)
				}
			}
			if preempted == 0 {
				t.Log("no preemption landed in the copies; the result proves nothing about them")
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// A preemption of guest code that holds nothing in the upper halves of
// the ymm registers (here an integer loop, and anything outside
// memory.copy's AVX rounds) resumes with the upper state clean
// (vzeroupper): after a 256-bit restore, every legacy-SSE instruction of
// the guest would pay for merging the upper halves for the rest of the
// run (matmul_simd at n=1200: 350-460 ms against 245-262 ms).
func TestPreemptLeavesUpperStateClean(t *testing.T) {
	if !cpu.X86.HasAVX {
		t.Skip("the host has no AVX: preemption saves and restores xmm registers only")
	}
	// loop: local.get 0, i32.const 1, i32.sub, local.tee 0, br_if 0, end, end
	body := []byte{0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x0b}
	m := &wasm.Module{
		Types:   []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}}},
		Funcs:   []uint32{0},
		Codes:   []wasm.Code{{Body: body}},
		Exports: []wasm.Export{{Name: "spin", Kind: wasm.ExternFunc, Index: 0}},
	}
	obj, err := codegen.Compile(m, codegen.Options{Bounds: object.BoundsExplicit})
	if err != nil {
		t.Fatal(err)
	}
	_, inst := newInstance(t, Config{}, obj, nil)
	stop := preemptStorm()
	defer stop()
	before, cleanBefore := Preemptions(), atomic.LoadUint64(&sigCleanResumes)
	for round := 0; round < 50 && Preemptions()-before < 20; round++ {
		if _, err := inst.Func("spin").Call(50_000_000); err != nil {
			t.Fatal(err)
		}
	}
	preempted, clean := Preemptions()-before, atomic.LoadUint64(&sigCleanResumes)-cleanBefore
	if preempted == 0 {
		t.Fatal("no preemption landed in the loop")
	}
	if clean == 0 {
		t.Fatalf("%d preemptions, none resumed with the upper state clean", preempted)
	}
}
