package edverify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var (
	bigP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	bigL = func() *big.Int {
		l, _ := new(big.Int).SetString("27742317777372353535851937790883648493", 10)
		return l.Add(l, new(big.Int).Lsh(big.NewInt(1), 252))
	}()
)

// leBig reads little-endian bytes as an integer.
func leBig(b []byte) *big.Int {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(r)
}

// le32 writes x (below 2^256) as 32 little-endian bytes.
func le32(x *big.Int) [32]byte {
	var b [32]byte
	x.FillBytes(b[:])
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

func feBig(a fe) *big.Int { b := a.bytes(); return leBig(b[:]) }

// check is the one comparison every test makes: this package and
// crypto/ed25519 give the same answer. It returns that answer.
func check(t *testing.T, what string, pub, msg, sig []byte) bool {
	t.Helper()
	want := ed25519.Verify(pub, msg, sig)
	if got := Verify(pub, msg, sig); got != want {
		t.Fatalf("%s: Verify = %v, crypto/ed25519 says %v\npub %x\nmsg %x\nsig %x", what, got, want, pub, msg, sig)
	}
	return want
}

// The constants are what their comments say.
func TestConstants(t *testing.T) {
	d := leBig(dBytes[:])
	want := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), bigP))
	if want.Mod(want, bigP).Cmp(d) != 0 {
		t.Errorf("d = %v, want %v", d, want)
	}
	i := leBig(sqrtM1Bytes[:])
	if sq := new(big.Int).Mul(i, i); sq.Add(sq, big.NewInt(1)).Mod(sq, bigP).Sign() != 0 {
		t.Error("sqrtM1² != -1")
	}
	var lb [32]byte
	for i, w := range order {
		for j := 0; j < 8; j++ {
			lb[8*i+j] = byte(w >> (8 * j))
		}
	}
	if leBig(lb[:]).Cmp(bigL) != 0 {
		t.Error("order != L")
	}
	B, ok := decodePoint(&basePointBytes)
	if !ok {
		t.Fatal("base point does not decode")
	}
	y := feMul(B.Y, feInvert(B.Z))
	four5 := new(big.Int).Mul(big.NewInt(4), new(big.Int).ModInverse(big.NewInt(5), bigP))
	if feBig(y).Cmp(four5.Mod(four5, bigP)) != 0 || feIsNegative(B.X) {
		t.Error("base point is not (+x, 4/5)")
	}
	// [L]B is the identity, [L-1]B is -B.
	var l, lm1 scalar = order, order
	lm1[0]--
	var zero scalar
	if r := doubleScalarMult(&l, &B, &zero, &B); r.bytes() != identityBytes() {
		t.Error("[L]B is not the identity")
	}
	if r := doubleScalarMult(&lm1, &B, &zero, &B); r.bytes() != B.neg().bytes() {
		t.Error("[L-1]B is not -B")
	}
}

func identityBytes() [32]byte { p := identity(); return p.bytes() }

// Field arithmetic against math/big, on random elements and on values
// near 0, p and 2^255 (encodings from p up are not reduced).
func TestField(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var edge [][32]byte
	for _, d := range []int64{0, 1, 2, 18, 19, 20, 37, 38, 39} {
		edge = append(edge, le32(big.NewInt(d)), le32(new(big.Int).Sub(bigP, big.NewInt(d))))
		hi := le32(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(d+1)))
		edge = append(edge, hi)
	}
	elem := func(i int) [32]byte {
		if i < len(edge) {
			return edge[i]
		}
		var b [32]byte
		fill(rng, b[:])
		if rng.IntN(4) == 0 { // all ones in some limbs
			for j := rng.IntN(32); j < 32; j++ {
				b[j] = 0xff
			}
		}
		return b
	}
	val := func(b [32]byte) *big.Int {
		b[31] &= 0x7f
		return new(big.Int).Mod(leBig(b[:]), bigP)
	}
	mod := func(x *big.Int) *big.Int { return x.Mod(x, bigP) }
	for i := 0; i < 5000; i++ {
		ab, bb := elem(i%(len(edge)+200)), elem(rng.IntN(len(edge)+200))
		a, b := feFromBytes(&ab), feFromBytes(&bb)
		x, y := val(ab), val(bb)
		if got := feBig(a); got.Cmp(x) != 0 {
			t.Fatalf("bytes(%x) = %v, want %v", ab, got, x)
		}
		for _, op := range []struct {
			name string
			got  fe
			want *big.Int
		}{
			{"add", feAdd(a, b), mod(new(big.Int).Add(x, y))},
			{"sub", feSub(a, b), mod(new(big.Int).Sub(x, y))},
			{"neg", feNeg(a), mod(new(big.Int).Neg(x))},
			{"mul", feMul(a, b), mod(new(big.Int).Mul(x, y))},
			{"square", feSquare(a), mod(new(big.Int).Mul(x, x))},
			{"mul of sums", feMul(feAdd(a, b), feSub(a, b)), mod(new(big.Int).Mul(new(big.Int).Add(x, y), new(big.Int).Sub(x, y)))},
		} {
			if got := feBig(op.got); got.Cmp(op.want) != 0 {
				t.Fatalf("%s(%v, %v) = %v, want %v", op.name, x, y, got, op.want)
			}
		}
		if i%25 == 0 && x.Sign() != 0 {
			if got, want := feBig(feInvert(a)), new(big.Int).ModInverse(x, bigP); got.Cmp(want) != 0 {
				t.Fatalf("invert(%v) = %v, want %v", x, got, want)
			}
			r, ok := sqrtRatio(a, b)
			if y.Sign() == 0 {
				continue
			}
			q := mod(new(big.Int).Mul(x, new(big.Int).ModInverse(y, bigP)))
			root := new(big.Int).ModSqrt(q, bigP)
			if ok != (root != nil) {
				t.Fatalf("sqrtRatio(%v, %v): square %v, want %v", x, y, ok, root != nil)
			}
			if ok {
				if root.Bit(0) == 1 {
					root.Sub(bigP, root)
				}
				if got := feBig(r); got.Cmp(root) != 0 {
					t.Fatalf("sqrtRatio(%v, %v) = %v, want %v", x, y, got, root)
				}
			}
		}
	}
}

// reduce512 and setCanonical against math/big.
func TestScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		var b [64]byte
		fill(rng, b[:])
		switch i {
		case 0:
			b = [64]byte{}
		case 1:
			for j := range b {
				b[j] = 0xff
			}
		case 2, 3, 4:
			lb := le32(new(big.Int).Add(bigL, big.NewInt(int64(i-3))))
			b = [64]byte{}
			copy(b[:], lb[:])
		}
		r := reduce512(&b)
		var rb [32]byte
		for k, w := range r {
			for j := 0; j < 8; j++ {
				rb[8*k+j] = byte(w >> (8 * j))
			}
		}
		want := new(big.Int).Mod(leBig(b[:]), bigL)
		if leBig(rb[:]).Cmp(want) != 0 {
			t.Fatalf("reduce512(%x) = %v, want %v", b, leBig(rb[:]), want)
		}
		var s scalar
		var sb [32]byte
		copy(sb[:], b[:32])
		if ok := s.setCanonical(&sb); ok != (leBig(sb[:]).Cmp(bigL) < 0) {
			t.Fatalf("setCanonical(%x) = %v", sb, ok)
		}
	}
}

func TestSHA512(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	msg := make([]byte, 1000)
	fill(rng, msg[:])
	for n := 0; n <= len(msg); n++ {
		if n > 300 && n%37 != 0 {
			continue
		}
		h := newSHA512()
		// In pieces, to cross block boundaries inside write.
		for p := msg[:n]; len(p) > 0; {
			k := min(len(p), 1+rng.IntN(150))
			h.write(p[:k])
			p = p[k:]
		}
		if got, want := h.sum(), sha512.Sum512(msg[:n]); got != want {
			t.Fatalf("sha512 of %d bytes = %x, want %x", n, got, want)
		}
	}
}

// RFC 8032 section 7.1's first vectors: the keys and signatures
// crypto/ed25519 derives, then verified by both.
func TestRFC8032(t *testing.T) {
	for _, v := range []struct{ seed, pub, msg, sig string }{
		{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
			"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
			"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
		{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
			"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
			"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
		{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
			"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
			"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
	} {
		seed, _ := hex.DecodeString(v.seed)
		pub, _ := hex.DecodeString(v.pub)
		msg, _ := hex.DecodeString(v.msg)
		sig, _ := hex.DecodeString(v.sig)
		priv := ed25519.NewKeyFromSeed(seed)
		if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) || !bytes.Equal(ed25519.Sign(priv, msg), sig) {
			t.Fatalf("vector %s: crypto/ed25519 derives another key or signature", v.pub)
		}
		if !check(t, "RFC 8032 "+v.pub, pub, msg, sig) {
			t.Fatalf("RFC 8032 %s refused", v.pub)
		}
		if v.msg == "" {
			mutations(t, pub, msg, sig)
		}
	}
}

// mutations: every single-bit change of the key, the signature and (up
// to 64 bytes of) the message, and S + L, S + 2L... in place of S.
func mutations(t *testing.T, pub, msg, sig []byte) {
	t.Helper()
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i/8] ^= 1 << (i % 8)
		return c
	}
	for i := 0; i < 8*len(pub); i++ {
		check(t, "key bit flipped", flip(pub, i), msg, sig)
	}
	for i := 0; i < 8*len(sig); i++ {
		check(t, "signature bit flipped", pub, msg, flip(sig, i))
	}
	for i := 0; i < 8*min(len(msg), 64); i++ {
		check(t, "message bit flipped", pub, flip(msg, i), sig)
	}
	check(t, "message extended", pub, append(append([]byte(nil), msg...), 0), sig)
	s := leBig(sig[32:])
	for k := 1; k <= 15; k++ {
		sk := new(big.Int).Add(s, new(big.Int).Mul(big.NewInt(int64(k)), bigL))
		if sk.BitLen() > 256 {
			break
		}
		nb := le32(sk)
		check(t, "S + kL", pub, msg, append(append([]byte(nil), sig[:32]...), nb[:]...))
	}
	check(t, "short signature", pub, msg, sig[:63])
	check(t, "long signature", pub, msg, append(append([]byte(nil), sig...), 0))
}

// Go's own test data (sign.input.gz: 128 keys, messages and signatures
// from the reference implementation), each verified and mutated.
func TestGoVectors(t *testing.T) {
	path := filepath.Join(runtime.GOROOT(), "src", "crypto", "ed25519", "testdata", "sign.input.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the Go tree's ed25519 test data is not installed here (%v); TestRFC8032 and TestRandom still compare", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(z)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		// secret+public : public : message : signature+message :
		parts := strings.Split(sc.Text(), ":")
		if len(parts) != 5 {
			t.Fatalf("line %q", sc.Text())
		}
		pub, _ := hex.DecodeString(parts[1])
		msg, _ := hex.DecodeString(parts[2])
		sig, _ := hex.DecodeString(parts[3])
		sig = sig[:64]
		if !check(t, "Go vector", pub, msg, sig) {
			t.Fatalf("vector %d refused", n)
		}
		if n%64 == 0 {
			mutations(t, pub, msg, sig)
		}
		n++
	}
	if err := sc.Err(); err != nil || n < 100 {
		t.Fatalf("read %d vectors (%v)", n, err)
	}
}

// Fresh keys and messages: each signature verifies, and fails for
// another message, another key, and a swapped R.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var prevSig []byte
	for i := 0; i < 100; i++ {
		var seed [32]byte
		fill(rng, seed[:])
		priv := ed25519.NewKeyFromSeed(seed[:])
		pub := priv.Public().(ed25519.PublicKey)
		msg := make([]byte, rng.IntN(300))
		fill(rng, msg[:])
		sig := ed25519.Sign(priv, msg)
		if !check(t, "fresh", pub, msg, sig) {
			t.Fatal("fresh signature refused")
		}
		check(t, "other message", pub, append(msg, 1), sig)
		if prevSig != nil {
			check(t, "other R", pub, msg, append(append([]byte(nil), prevSig[:32]...), sig[32:]...))
		}
		prevSig = sig
		if i == 0 {
			mutations(t, pub, msg, sig)
		}
	}
}

// torsion are the eight points of order dividing 8, found as [L]P for
// points P: [L]P is P's torsion component.
func torsion(t *testing.T) []point {
	t.Helper()
	rng := rand.New(rand.NewPCG(9, 10))
	seen := map[[32]byte]point{}
	var zero scalar
	l := order
	for len(seen) < 8 {
		var b [32]byte
		fill(rng, b[:])
		P, ok := decodePoint(&b)
		if !ok {
			continue
		}
		T := doubleScalarMult(&l, &P, &zero, &P)
		g := T
		for k := 0; k < 8; k++ { // the subgroup T generates
			seen[g.bytes()] = g
			g = add(&g, &T)
		}
	}
	var out []point
	for _, p := range seen {
		out = append(out, p)
	}
	if len(out) != 8 {
		t.Fatalf("%d torsion points", len(out))
	}
	return out
}

func scalarOf(x *big.Int) scalar {
	b := le32(new(big.Int).Mod(x, bigL))
	var s scalar
	s.setCanonical(&b)
	return s
}

// Keys of small order and mixed order, given in every encoding that
// decodes (canonical and not, x = 0 with the sign bit set), with
// signatures crafted to pass the cofactorless equation and ones that
// pass only the cofactored one: crypto/ed25519 accepts the first and
// refuses the second, and so must Verify.
func TestSmallAndMixedOrder(t *testing.T) {
	T8 := torsion(t)
	B, _ := decodePoint(&basePointBytes)
	var zero scalar
	rng := rand.New(rand.NewPCG(11, 12))
	randScalar := func() *big.Int {
		var b [64]byte
		fill(rng, b[:])
		return new(big.Int).Mod(leBig(b[:]), bigL)
	}
	mult := func(k *big.Int, P *point) point {
		s := scalarOf(k)
		return doubleScalarMult(&s, P, &zero, P)
	}
	// encodings: the canonical one, y + p when that is below 2^255, and
	// the sign bit set when x = 0.
	encodings := func(P *point) [][]byte {
		c := P.bytes()
		out := [][]byte{c[:]}
		yb := c
		yb[31] &= 0x7f
		y := leBig(yb[:])
		if y2 := new(big.Int).Add(y, bigP); y2.BitLen() <= 255 {
			nb := le32(y2)
			nb[31] |= c[31] & 0x80
			out = append(out, nb[:])
		}
		zinv := feInvert(P.Z)
		if feIsZero(feMul(P.X, zinv)) {
			for _, e := range out[:len(out):len(out)] {
				s := append([]byte(nil), e...)
				s[31] |= 0x80
				out = append(out, s)
			}
		}
		return out
	}
	accepted, refused := 0, 0
	count := func(ok bool) {
		if ok {
			accepted++
		} else {
			refused++
		}
	}
	msg := []byte("lucet small order")
	for ti := range T8 {
		T := &T8[ti]
		a := randScalar()
		aB := mult(a, &B)
		mixed := add(&aB, T)
		for _, key := range []struct {
			name string
			P    point
			a    *big.Int // discrete log of the prime-order part
		}{{"small order", *T, new(big.Int)}, {"mixed order", mixed, a}} {
			for _, pub := range encodings(&key.P) {
				// R = [r]B + T2 for each torsion T2, S = r + k·a: valid
				// cofactorless exactly when T2 = -[k mod L]T.
				for tries := 0; tries < 4; tries++ {
					r := randScalar()
					rB := mult(r, &B)
					for t2 := range T8 {
						Rp := add(&rB, &T8[t2])
						for _, R := range encodings(&Rp) {
							h := newSHA512()
							h.write(R)
							h.write(pub)
							h.write(msg)
							d := h.sum()
							k := new(big.Int).Mod(leBig(d[:]), bigL)
							S := new(big.Int).Add(r, new(big.Int).Mul(k, key.a))
							sb := le32(S.Mod(S, bigL))
							sig := append(append([]byte(nil), R...), sb[:]...)
							count(check(t, key.name, pub, msg, sig))
						}
					}
				}
			}
		}
		// A small-order key with R = [S]B: valid when [k]T is the identity.
		for _, pub := range encodings(T) {
			for i := 0; i < 8; i++ {
				s := randScalar()
				R := mult(s, &B)
				rb := R.bytes()
				sb := le32(s)
				count(check(t, "small order key, R = [S]B", pub, append(msg, byte(i)), append(rb[:], sb[:]...)))
			}
		}
		// Small-order R with the identity's S.
		for _, R := range encodings(T) {
			pub := aB.bytes()
			count(check(t, "small order R", pub[:], msg, append(append([]byte(nil), R...), make([]byte, 32)...)))
		}
	}
	t.Logf("%d accepted, %d refused by both", accepted, refused)
	if accepted < 50 || refused < 50 {
		t.Errorf("only %d accepted and %d refused: the cases do not reach both answers", accepted, refused)
	}
}

// Keys whose y is not reduced (p to 2^255-1) and every y below 64, with
// either sign: decoded or refused alike, and signatures by the identity
// key (any R = [S]B) accepted alike.
func TestKeyEncodings(t *testing.T) {
	B, _ := decodePoint(&basePointBytes)
	var zero scalar
	s := scalarOf(big.NewInt(12345))
	R := doubleScalarMult(&s, &B, &zero, &B)
	rb := R.bytes()
	sb := le32(big.NewInt(12345))
	sig := append(rb[:], sb[:]...)
	decoded := 0
	for _, base := range []*big.Int{big.NewInt(0), bigP} {
		for i := int64(0); i < 64; i++ {
			y := new(big.Int).Add(base, big.NewInt(i))
			if y.BitLen() > 255 {
				continue
			}
			for _, sign := range []byte{0, 0x80} {
				pub := le32(y)
				pub[31] |= sign
				if _, ok := decodePoint(&pub); ok {
					decoded++
				}
				check(t, "key encoding", pub[:], []byte("m"), sig)
			}
		}
	}
	if decoded == 0 {
		t.Error("no key decoded")
	}
	// The identity, non-canonically: y = p + 1 and y = 1 with x "-0".
	for _, pub := range [][32]byte{le32(new(big.Int).Add(bigP, big.NewInt(1))), {0: 1, 31: 0x80}} {
		if !check(t, "identity key", pub[:], []byte("anything"), sig) {
			t.Errorf("identity key %x refused", pub)
		}
	}
}

// Lengths: crypto/ed25519 panics on a key of the wrong length; Verify
// refuses it.
func TestLengths(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	sig := ed25519.Sign(priv, nil)
	for _, n := range []int{0, 31, 33, 64} {
		k := make([]byte, n)
		copy(k, pub)
		if Verify(k, nil, sig) {
			t.Errorf("%d-byte key accepted", n)
		}
	}
	if !Verify(pub, nil, sig) || Verify(pub, nil, nil) || Verify(pub, nil, sig[:32]) {
		t.Error("lengths")
	}
}

// FuzzVerify holds Verify to crypto/ed25519's answer on any input; the
// seeds are valid signatures, so mutations start near acceptance.
func FuzzVerify(f *testing.F) {
	rng := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 8; i++ {
		var seed [32]byte
		fill(rng, seed[:])
		priv := ed25519.NewKeyFromSeed(seed[:])
		msg := []byte(strings.Repeat("m", i*20))
		f.Add([]byte(priv.Public().(ed25519.PublicKey)), msg, ed25519.Sign(priv, msg))
	}
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		if len(pub) != ed25519.PublicKeySize {
			if Verify(pub, msg, sig) {
				t.Fatalf("%d-byte key accepted", len(pub))
			}
			return
		}
		check(t, "fuzz", pub, msg, sig)
	})
}

func BenchmarkVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 40)
	sig := ed25519.Sign(priv, msg)
	for b.Loop() {
		if !Verify(pub, msg, sig) {
			b.Fatal("refused")
		}
	}
}

// BenchmarkCryptoVerify is crypto/ed25519's Verify on the same input, for
// comparison.
func BenchmarkCryptoVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 40)
	sig := ed25519.Sign(priv, msg)
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("refused")
		}
	}
}

// fill fills b with bytes from rng.
func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}
