package codegen_test

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestConstantAddresses runs loads and stores at constant addresses
// (emitted as displacements off the memory base) at the edge of a
// one-page memory, with offset immediates, past 2 GiB (where they take
// the register path), repeated in one block with a growing offset (the
// second must still be checked), and as the memory operand of a float
// add (a fused load), in both bounds modes and tiers, with and without
// AVX. Each must load what fillMemory stored or trap; every build must
// give the same results and trap at the same wasm offsets as the
// baseline tier with SSE.
func TestConstantAddresses(t *testing.T) {
	memarg := func(align byte, off uint32) []byte {
		return []byte{align, byte(off&0x7f | 0x80), byte(off>>7&0x7f | 0x80), byte(off>>14&0x7f | 0x80), byte(off>>21&0x7f | 0x80), byte(off >> 28)}
	}
	// i64.extend_i32_u (i32.load off (addr))
	load32 := func(addr int32, off uint32) []byte {
		b := append(append([]byte{0x41}, sleb32(addr)...), 0x28)
		return append(append(b, memarg(2, off)...), 0xad)
	}
	// i64.load off (addr)
	load64 := func(addr int32, off uint32) []byte {
		b := append(append([]byte{0x41}, sleb32(addr)...), 0x29)
		return append(b, memarg(3, off)...)
	}
	// i32.store off (addr) 7; then i64.load (addr&^7) to read it back
	store := func(addr int32, off uint32) []byte {
		b := append([]byte{0x41}, sleb32(addr)...)
		b = append(append(b, 0x41, 7, 0x36), memarg(2, off)...)
		return append(b, load64(int32((int64(addr)+int64(off))&^7), 0)...)
	}
	// i64.reinterpret_f64 (f64.add (f64.load off (addr)) (f64.reinterpret_i64 (local 0)))
	fadd := func(addr int32, off uint32) []byte {
		b := append(append([]byte{0x41}, sleb32(addr)...), 0x2b)
		b = append(append(b, memarg(3, off)...), 0x20, 0, 0xbf, 0xa0, 0xbd)
		return b
	}
	// twice loads at addr+off1 and then at addr+off2 through one SSA
	// value (the constant kept in local 0), whose first check may cover
	// the second.
	twice := func(addr int32, off1, off2 uint32) []byte {
		b := append([]byte{0x41}, sleb32(addr)...)
		b = append(b, 0xad, 0x21, 0) // i64.extend_i32_u; local.set 0
		ld := func(off uint32) []byte {
			return append(append([]byte{0x20, 0, 0xa7, 0x28}, memarg(2, off)...), 0xad)
		}
		b = append(b, ld(off1)...)
		b = append(b, 0x1a) // drop
		return append(b, ld(off2)...)
	}
	tests := []struct {
		name string
		body []byte
		trap bool
	}{
		{"load last word", load32(65532, 0), false},
		{"load past the end", load32(65533, 0), true},
		{"load first invalid byte", load32(65536, 0), true},
		{"load with offset, last word", load32(65500, 32), false},
		{"load with offset past the end", load32(65500, 33), true},
		{"load64 last", load64(65528, 0), false},
		{"load64 past the end", load64(65529, 0), true},
		{"load64 at 0", load64(0, 0), false},
		{"store last word", store(65532, 0), false},
		{"store past the end", store(65533, 0), true},
		{"store with offset, last word", store(65000, 532), false},
		{"store with offset past the end", store(65000, 533), true},
		{"fused add, last", fadd(65520, 8), false},
		{"fused add, past the end", fadd(65521, 8), true},
		{"load at 2 GiB - 4", load32(0x7ffffffc, 0), true},
		{"load at 2 GiB - 8 with offset 8", load32(0x7ffffff8, 8), true},
		{"load at 4 GiB - 16", load32(-16, 0), true},
		{"offset to 4 GiB + 8", load32(-16, 24), true},
		{"second access of a checked constant, further", twice(65000, 0, 600), true},
		{"second access of a checked constant, within", twice(65000, 500, 8), false},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	m := accessModule(wasm.I64, names, bodies)
	// What fillMemory stores, to compute the loads' results from.
	mem := make([]byte, 65536)
	for a := uint64(0); a < 65536; a += 8 {
		binary.LittleEndian.PutUint64(mem[a:], a*0x9e3779b97f4a7c15)
	}
	want := map[string]uint64{
		"load last word":                              uint64(binary.LittleEndian.Uint32(mem[65532:])),
		"load with offset, last word":                 uint64(binary.LittleEndian.Uint32(mem[65532:])),
		"load64 last":                                 binary.LittleEndian.Uint64(mem[65528:]),
		"load64 at 0":                                 0,
		"store last word":                             binary.LittleEndian.Uint64(mem[65528:])&0xffffffff | 7<<32,
		"store with offset, last word":                binary.LittleEndian.Uint64(mem[65528:])&0xffffffff | 7<<32,
		"second access of a checked constant, within": uint64(binary.LittleEndian.Uint32(mem[65008:])),
	}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	feats := map[string]uint64{"sse": base}
	if load.HostFeatures()&object.FeatureAVX != 0 {
		feats["avx"] = base | object.FeatureAVX
	}
	for _, bm := range boundsModes {
		var ref map[string]memOutcome
		for _, fname := range []string{"sse", "avx"} {
			feat, ok := feats[fname]
			if !ok {
				continue
			}
			for _, opt := range []int{0, 2} {
				t.Run(fmt.Sprintf("%s/%s/opt=%d", bm.name, fname, opt), func(t *testing.T) {
					opts := bm.opts
					opts.OptLevel, opts.Features = opt, feat
					inst := compileInstance(t, m, opts)
					fillMemory(t, inst, 0)
					got := map[string]memOutcome{}
					for _, tt := range tests {
						// addrs {0}: local 0, the f64 the fused add adds.
						for k, v := range callAll(t, inst, []string{tt.name}, []uint64{0}, [][]uint64{{}}) {
							got[k] = v
							if v.trap != tt.trap {
								t.Errorf("%s: %+v, want a trap: %v", tt.name, v, tt.trap)
							} else if w, ok := want[tt.name]; ok && v.res[0] != w {
								t.Errorf("%s = %#x, want %#x", tt.name, v.res[0], w)
							}
						}
					}
					if ref == nil {
						ref = got
						return
					}
					for k, v := range got {
						if ref[k] != v {
							t.Errorf("%s: %+v, the baseline tier with SSE %+v", k, v, ref[k])
						}
					}
				})
			}
		}
	}
}
