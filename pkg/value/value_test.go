package value

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		in   string
		t    wasm.ValType
		bits uint64
		out  string
	}{
		{"1", wasm.I32, 1, "1"},
		{"-1", wasm.I32, 0xffffffff, "-1"},
		{"4294967295", wasm.I32, 0xffffffff, "-1"},
		{"i32:0x10", wasm.I32, 16, "16"},
		{"-1", wasm.I64, 1<<64 - 1, "-1"},
		{"0.5", wasm.F64, 0x3fe0000000000000, "0.5"},
		{"0x7fc00001", wasm.F32, 0x7fc00001, "NaN"},
		{"-0", wasm.F64, 0x8000000000000000, "-0"},
		{"inf", wasm.F32, 0x7f800000, "inf"},
		{"externref:7", wasm.ExternRef, 8, "externref:7"},
		{"null", wasm.ExternRef, 0, "externref:null"},
		{"funcref:null", wasm.FuncRef, 0, "funcref:null"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, tc.t)
		if err != nil {
			t.Errorf("Parse(%q, %s): %v", tc.in, tc.t, err)
			continue
		}
		if got != tc.bits {
			t.Errorf("Parse(%q, %s) = %#x, want %#x", tc.in, tc.t, got, tc.bits)
		}
		if s := Format(got, tc.t); s != tc.out {
			t.Errorf("Format(%#x, %s) = %q, want %q", got, tc.t, s, tc.out)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in string
		t  wasm.ValType
	}{
		{"x", wasm.I32}, {"i64:1", wasm.I32}, {"4294967296", wasm.I32}, {"1.5", wasm.I64},
		{"0xzz", wasm.F32}, {"abc", wasm.F64}, {"1", wasm.FuncRef}, {"x", wasm.ExternRef},
		{"1", wasm.V128},
	} {
		if v, err := Parse(tc.in, tc.t); err == nil {
			t.Errorf("Parse(%q, %s) = %#x, want an error", tc.in, tc.t, v)
		}
	}
}

func TestIsLiteral(t *testing.T) {
	for s, want := range map[string]bool{"-1": true, "-0x10": true, "+2.5": true, "-inf": true, "-test.short": false, "--": false, "-v": false} {
		if IsLiteral(s) != want {
			t.Errorf("IsLiteral(%q) = %v, want %v", s, !want, want)
		}
	}
}

func ExampleFormat() {
	v, _ := Parse("0xffffffff", wasm.I32)
	fmt.Println(Format(v, wasm.I32))
	// Output: -1
}

// FuzzParse: Parse never panics, and whatever it accepts prints to text
// that parses back to the same bits (NaNs aside, whose payload the text
// "NaN" does not carry).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "-1", "0x7fc00001", "i64:9223372036854775807", "externref:7", "null", "1e10", "-0", "inf"} {
		f.Add(s, byte(0))
	}
	types := []wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.ExternRef, wasm.FuncRef}
	f.Fuzz(func(t *testing.T, s string, ti byte) {
		typ := types[int(ti)%len(types)]
		v, err := Parse(s, typ)
		if err != nil {
			return
		}
		text := Format(v, typ)
		if text == "NaN" || text == "funcref" {
			return
		}
		back, err := Parse(text, typ)
		if err != nil || back != v {
			t.Errorf("Parse(%q, %s) = %#x, printed %q, read back %#x, %v", s, typ, v, text, back, err)
		}
	})
}
