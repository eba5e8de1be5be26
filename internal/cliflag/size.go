package cliflag

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the suffixes ParseSize accepts, as go-humanize reads them:
// KiB, MiB, GiB (and K, M, G) are powers of 1024; kB, MB, GB powers of
// 1000. (Parsed here rather than with go-humanize, whose math/big tables
// every lucet-run start would otherwise initialise.)
var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"ki", 1 << 10}, {"mi", 1 << 20}, {"gi", 1 << 30}, {"ti", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40},
	{"b", 1}, {"", 1},
}

// ParseSize reads a byte size: 65536, 64KiB, 1.5GiB, 64MB, 4G.
func ParseSize(s string) (uint64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, u := range sizeUnits {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		num = strings.TrimSpace(num)
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || num == "" || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			break
		}
		v := f * u.mult
		if v >= math.MaxUint64 {
			break
		}
		return uint64(v), nil
	}
	return 0, fmt.Errorf("%q is not a size (examples: 65536, 64KiB, 4GiB)", s)
}

// FormatSize prints n bytes in the largest binary unit that keeps it at
// least 1: 512 B, 1.5 KiB, 2.0 GiB.
func FormatSize(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// AtMost refuses a count flag's value past the most its consumer takes,
// in the tools' one wording of it (lucet-run and lucet-bench share
// --max-table-elements).
func AtMost(flag string, v, most uint64) error {
	if v > most {
		return fmt.Errorf("--%s %d: want at most %d", flag, v, most)
	}
	return nil
}
