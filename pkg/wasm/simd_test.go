package wasm

import "testing"

func TestSIMDTable(t *testing.T) {
	n := 0
	seen := map[string]uint32{}
	for sub := uint32(0); sub < 0x200; sub++ {
		info, ok := SIMD(sub)
		if ok != SIMDOpcodeValid(sub) {
			t.Fatalf("SIMD(%#x) ok=%v, SIMDOpcodeValid=%v", sub, ok, !ok)
		}
		if !ok {
			continue
		}
		n++
		if prev, dup := seen[info.Name]; dup {
			t.Errorf("%s at %#x and %#x", info.Name, prev, sub)
		}
		seen[info.Name] = sub
		if got := OpName(PrefixFD<<16 | Opcode(sub)); got != info.Name {
			t.Errorf("OpName(%#x) = %q, want %q", sub, got, info.Name)
		}
		isMem := info.Imm == SIMDImmMemArg || info.Imm == SIMDImmMemArgLane
		if isMem != (info.MemSize != 0) {
			t.Errorf("%s: memory immediate %v but MemSize %d", info.Name, isMem, info.MemSize)
		}
	}
	// WebAssembly 2.0 has exactly 236 SIMD instructions.
	if n != 236 {
		t.Errorf("%d SIMD opcodes, want 236", n)
	}
	cases := []struct {
		sub     uint32
		name    string
		lanes   uint8
		memSize uint8
	}{
		{0x00, "v128.load", 0, 16},
		{0x0D, "i8x16.shuffle", 32, 0},
		{0x15, "i8x16.extract_lane_s", 16, 0},
		{0x1D, "i64x2.extract_lane", 2, 0},
		{0x57, "v128.load64_lane", 2, 8},
		{0x5C, "v128.load32_zero", 0, 4},
		{0xFF, "f64x2.convert_low_i32x4_u", 0, 0},
	}
	for _, c := range cases {
		info, ok := SIMD(c.sub)
		if !ok || info.Name != c.name || info.Lanes != c.lanes || info.MemSize != c.memSize {
			t.Errorf("SIMD(%#x) = %+v, %v; want %s lanes %d mem %d", c.sub, info, ok, c.name, c.lanes, c.memSize)
		}
	}
	for _, sub := range []uint32{0x67 - 1 + 0x100, 0xA2, 0xA5, 0x100, 0x113} {
		if SIMDOpcodeValid(sub) {
			t.Errorf("SIMDOpcodeValid(%#x) = true, want false", sub)
		}
	}
}
