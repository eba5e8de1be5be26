package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFoldVectorAfterAccess is TestFoldAfterAccess for v128 accesses,
// whose x + c -O 2 also moves into the offset after an access at x (the
// second vector of an unrolled row, matmul_simd's c[j] + 16): v128.load,
// the extending and zero-filling loads, v128.store, after a scalar or a
// vector access, and where the fold must not happen (before the access
// at x). At x near the end of the one-page memory and near 2^32, in both
// bounds modes, with SSE and the host's AVX (whose loads fold into the
// arithmetic): results and trap offsets must match the baseline tier.
func TestFoldVectorAfterAccess(t *testing.T) {
	i32 := i32Const
	get := []byte{0x20, 0}
	cat := catCode
	add := func(a []byte, c int32) []byte { return cat(a, i32(c), []byte{0x6a}) }
	vload := func(addr []byte, sub, off byte) []byte { return cat(addr, []byte{0xFD, sub, 0, off}) }
	lane0 := []byte{0xFD, 0x1d, 0}                                          // i64x2.extract_lane 0
	lane1 := []byte{0xFD, 0x1d, 1}                                          // i64x2.extract_lane 1
	vadd := []byte{0xFD, 0xce, 0x01}                                        // i64x2.add
	ld := func(addr []byte) []byte { return cat(addr, []byte{0x29, 3, 0}) } // i64.load
	plus := []byte{0x7c}                                                    // i64.add
	tests := []struct {
		name string
		body []byte
	}{
		{"v[x] + v[x + 16]", cat(vload(get, 0, 0), vload(add(get, 16), 0, 0), vadd, lane1)},
		{"v[x] + v[x + 8]", cat(vload(get, 0, 0), vload(add(get, 8), 0, 0), vadd, lane0)},
		{"[x] + v[x + 24]", cat(ld(get), vload(add(get, 24), 0, 0), lane1, plus)},
		{"v[x] + load8x8_s[x + 12]", cat(vload(get, 0, 0), vload(add(get, 12), 0x01, 0), vadd, lane1)},
		{"v[x] + load32_zero[x + 20]", cat(vload(get, 0, 0), vload(add(get, 20), 0x5c, 0), vadd, lane0)},
		{"v[x] + load64_zero[x + 65520]", cat(vload(get, 0, 0), vload(add(get, 65520), 0x5d, 0), vadd, lane0)},
		{"v[x] offset 8 + v[x + 65511]", cat(vload(get, 0, 8), vload(add(get, 65511), 0, 0), vadd, lane1)},
		{"v[x + 16] + v[x]", cat(vload(add(get, 16), 0, 0), vload(get, 0, 0), vadd, lane0)},
		{"store v[x]; v[x + 32]", cat(get, vload(get, 0, 0), []byte{0xFD, 0x0b, 0, 0}, vload(add(get, 32), 0, 0), lane1)},
		{"v[x] + v[x - 16]", cat(vload(get, 0, 0), vload(cat(get, i32(16), []byte{0x6b}), 0, 0), vadd, lane0)},
	}
	var names []string
	var bodies [][]byte
	for _, tt := range tests {
		names, bodies = append(names, tt.name), append(bodies, tt.body)
	}
	xs := []uint64{0, 1, 7, 8, 16, 100, 65000, 65488, 65496, 65503, 65504, 65512, 65519, 65520, 65535, 65536,
		0x7ffffff8, 0xfffe0000, 0xffff0000, 0xffffffe0, 0xfffffff0, 0xfffffff8, 0xffffffff}
	m := accessModule(wasm.I32, names, bodies)
	host := load.HostFeatures()
	features := []uint64{0}
	if host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		features = append(features, host)
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			run := func(opts codegen.Options) map[string]memOutcome {
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
				}
				inst := instantiate(t, obj)
				fillMemory(t, inst, 0)
				return callAll(t, inst, names, xs, [][]uint64{{}})
			}
			ref := run(bm.opts)
			for _, feat := range features {
				opts := bm.opts
				opts.OptLevel, opts.Features = 2, feat
				for k, v := range run(opts) {
					if ref[k] != v {
						t.Errorf("%s: -O 2 features %#x %+v, the baseline tier %+v", k, feat, v, ref[k])
					}
				}
			}
		})
	}
}
