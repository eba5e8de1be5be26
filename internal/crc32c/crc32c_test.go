package crc32c

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func TestMatchesHashCRC32(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 3<<20+13)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	lengths := []int{threeWay - 1, threeWay, threeWay + 7, threeWay + 24, 100 << 10, 1<<20 + 5, len(buf) - 7}
	for n := 0; n < 300; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, off := range []int{0, 1, 7} {
			p := buf[off : off+n]
			for _, init := range []uint32{0, 0xdeadbeef} {
				want := crc32.Update(init, castagnoli, p)
				if got := Update(init, p); got != want {
					t.Fatalf("Update(%#x, %d bytes at %d) = %#x, want %#x", init, n, off, got, want)
				}
				if got := ^updateGeneric(^init, p); got != want {
					t.Fatalf("generic(%#x, %d bytes at %d) = %#x, want %#x", init, n, off, got, want)
				}
			}
		}
	}
	if Checksum([]byte("123456789")) != 0xe3069283 { // the CRC-32C check value
		t.Fatalf("Checksum(123456789) = %#x", Checksum([]byte("123456789")))
	}
}

func FuzzMatchesHashCRC32(f *testing.F) {
	f.Add(uint32(0), []byte("123456789"))
	f.Add(uint32(1), make([]byte, threeWay+9))
	f.Fuzz(func(t *testing.T, init uint32, p []byte) {
		if got, want := Update(init, p), crc32.Update(init, castagnoli, p); got != want {
			t.Fatalf("Update(%#x, %d bytes) = %#x, want %#x", init, len(p), got, want)
		}
	})
}

func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{4 << 10, 90 << 10, 16 << 20} {
		p := make([]byte, n)
		b.Run(byteSize(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				Update(0, p)
			}
		})
		b.Run(byteSize(n)+"/hash-crc32", func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				crc32.Update(0, castagnoli, p)
			}
		})
	}
}

func byteSize(n int) string {
	if n >= 1<<20 {
		return itoa(n>>20) + "MiB"
	}
	return itoa(n>>10) + "KiB"
}

func itoa(n int) string {
	s := ""
	for ; n > 0 || s == ""; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// pow8 is x^(8*2^k) mod P, squared from x^8, and xPow8n agrees with
// multiplying x^8 in n times for every n tried.
func TestPow8(t *testing.T) {
	q := uint32(1) << 23 // x^8
	for k := range pow8 {
		if pow8[k] != q {
			t.Fatalf("pow8[%d] = %#08x, want %#08x", k, pow8[k], q)
		}
		q = multModP(q, q)
	}
	p := uint32(1) << 31 // x^0
	for n := 0; n <= 5000; n++ {
		if got := xPow8n(n); got != p {
			t.Fatalf("xPow8n(%d) = %#08x, want %#08x", n, got, p)
		}
		p = multModP(1<<23, p)
	}
}

// BenchmarkXPow8n is the join of three streams of a 81 KB object (the
// size of hello.so).
func BenchmarkXPow8n(b *testing.B) {
	n := 81000 / 3 &^ 63
	for b.Loop() {
		xPow8n(n)
	}
}
