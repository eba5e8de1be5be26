package value

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseV128 reads a v128 argument as wasmtime --invoke prints one: a
// 128-bit integer, 0x-prefixed hex (up to 32 digits, lane 0 in the low
// bits) or decimal, optionally written v128:VALUE. It returns the low and
// high 64 bits, the two slots Func.Call takes.
func ParseV128(s string) (lo, hi uint64, err error) {
	s = strings.TrimPrefix(s, "v128:")
	bad := fmt.Errorf("%q is not a v128 (a 128-bit integer, e.g. 0x00000004000000030000000200000001)", s)
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		if h == "" || len(h) > 32 {
			return 0, 0, bad
		}
		if len(h) > 16 {
			if hi, err = strconv.ParseUint(h[:len(h)-16], 16, 64); err != nil {
				return 0, 0, bad
			}
			h = h[len(h)-16:]
		}
		if lo, err = strconv.ParseUint(h, 16, 64); err != nil {
			return 0, 0, bad
		}
		return lo, hi, nil
	}
	if lo, err = strconv.ParseUint(s, 10, 64); err != nil {
		return 0, 0, bad
	}
	return lo, 0, nil
}

// FormatV128 prints a v128 result as 32 hex digits, lane 0 last.
func FormatV128(lo, hi uint64) string { return fmt.Sprintf("0x%016x%016x", hi, lo) }
