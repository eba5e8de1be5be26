package codegen_test

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
)

// TestRotateByConstant runs rotations by constants (a rorx with BMI2 when
// the operand stays live in its own register, rol/ror otherwise), from a
// register and from a stack slot, at both tiers, with and without BMI2.
func TestRotateByConstant(t *testing.T) {
	type tcase = binCase
	var cases []tcase
	for _, n := range []int{1, 7, 13, 25, 31, 32, 63} {
		// rotl(x, n) ^ rotr(x, n) + x + y: x live after both.
		cases = append(cases, tcase{fmt.Sprintf("i32/%d", n), false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x41, byte(n), 0x77, 0x20, x, 0x41, byte(n), 0x78, 0x73, 0x20, x, 0x6a, 0x20, y, 0x6a}
		}, func(a, b uint64) uint64 {
			x := uint32(a)
			return uint64(bits.RotateLeft32(x, n)^bits.RotateLeft32(x, -n)) + a + b
		}})
		cases = append(cases, tcase{fmt.Sprintf("i64/%d", n), true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x42, byte(n), 0x89, 0x20, x, 0x42, byte(n), 0x8a, 0x85, 0x20, x, 0x7c, 0x20, y, 0x7c}
		}, func(a, b uint64) uint64 {
			return (bits.RotateLeft64(a, n) ^ bits.RotateLeft64(a, -n)) + a + b
		}})
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 0x80000001, 0x12345678, 0xffffffff, 0xff00ff00ff00ff00, 1 << 63}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	feats := map[string]uint64{"base": base}
	if load.HostFeatures()&object.FeatureBMI2 != 0 {
		feats["bmi2"] = base | object.FeatureBMI2
	} else {
		t.Log("no BMI2 on this host: rorx is not run")
	}
	for fname, feat := range feats {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", fname, opt), func(t *testing.T) {
				runBinCases(t, all, codegen.Options{OptLevel: opt, Features: feat}, vals)
			})
		}
	}
}
