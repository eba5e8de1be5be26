package cliflag

import (
	"fmt"
	"testing"
)

func TestParseSize(t *testing.T) {
	for s, want := range map[string]uint64{
		"65536": 65536, "64KiB": 64 << 10, "64kib": 64 << 10, "64K": 64 << 10, "1.5GiB": 3 << 29,
		"4GiB": 4 << 30, "64MB": 64e6, "2 GiB": 2 << 30, "100b": 100, "8MiB": 8 << 20,
	} {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "lots", "-1KiB", "KiB", "1e30GiB", "NaN", "1XB"} {
		if got, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", s, got)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 512: "512 B", 1536: "1.5 KiB", 2 << 30: "2.0 GiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzParseSize: ParseSize and FormatSize never panic, whatever the text.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"65536", "64KiB", "1.5GiB", "64MB", "4G", "lots"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseSize(s); err == nil {
			_ = FormatSize(n)
		}
	})
}

func TestAtMost(t *testing.T) {
	for _, tc := range []struct {
		v, most uint64
		want    string
	}{
		{0, 0, ""},
		{16, 16, ""},
		{17, 16, "--n 17: want at most 16"},
	} {
		err := AtMost("n", tc.v, tc.most)
		if got := fmt.Sprint(err); tc.want == "" && err != nil || tc.want != "" && got != tc.want {
			t.Errorf("AtMost(n, %d, %d) = %v, want %q", tc.v, tc.most, err, tc.want)
		}
	}
}
