package value

import "testing"

func TestV128Args(t *testing.T) {
	for _, tc := range []struct {
		in     string
		lo, hi uint64
		ok     bool
	}{
		{"0x00000004000000030000000200000001", 0x0000000200000001, 0x0000000400000003, true},
		{"v128:0xff", 0xff, 0, true},
		{"0XFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", ^uint64(0), ^uint64(0), true},
		{"42", 42, 0, true},
		{"0x100000000000000000000000000000000", 0, 0, false}, // 33 digits
		{"0x", 0, 0, false},
		{"-1", 0, 0, false},
		{"i32:1", 0, 0, false},
	} {
		lo, hi, err := ParseV128(tc.in)
		if (err == nil) != tc.ok || tc.ok && (lo != tc.lo || hi != tc.hi) {
			t.Errorf("ParseV128(%q) = %#x, %#x, %v", tc.in, lo, hi, err)
		}
	}
	if got := FormatV128(0x0000000200000001, 0x0000000400000003); got != "0x00000004000000030000000200000001" {
		t.Errorf("FormatV128 = %s", got)
	}
}
