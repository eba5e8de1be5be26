package sha256

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	"github.com/lucet-go/lucet/internal/cpuid"
)

// Every length up to five blocks and some longer ones, whole and written
// in random pieces, through both block functions: crypto/sha256's digest.
func TestMatchesCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	msg := make([]byte, 70000)
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	lengths := []int{}
	for n := 0; n <= 5*BlockSize+1; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 4095, 4096, 4097, 65536, 70000)
	for _, generic := range []bool{false, true} {
		if !generic && !cpuid.X86().SHA {
			t.Log("no SHA extensions here: the generic block function only")
			continue
		}
		blockFn = block
		if generic {
			blockFn = blockGeneric
		}
		for _, n := range lengths {
			want := sha256.Sum256(msg[:n])
			if got := Sum256(msg[:n]); got != want {
				t.Fatalf("generic %v: Sum256 of %d bytes = %x, want %x", generic, n, got, want)
			}
			h := New()
			for p := msg[:n]; len(p) > 0; {
				k := min(len(p), 1+rng.IntN(200))
				h.Write(p[:k])
				p = p[k:]
			}
			if got := h.Sum(nil); string(got) != string(want[:]) {
				t.Fatalf("generic %v: %d bytes in pieces = %x, want %x", generic, n, got, want)
			}
			// Sum leaves the hash as it was: more can be written.
			h.Write([]byte("x"))
			if got, w := h.Sum(nil), sha256.Sum256(append(msg[:n:n], 'x')); string(got) != string(w[:]) {
				t.Fatalf("generic %v: %d bytes, Sum, then one more: %x, want %x", generic, n, got, w)
			}
		}
	}
	blockFn = block
}

func BenchmarkSum256(b *testing.B) {
	msg := make([]byte, 1<<20)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Sum256(msg)
	}
}

func BenchmarkCryptoSum256(b *testing.B) {
	msg := make([]byte, 1<<20)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		sha256.Sum256(msg)
	}
}
