package ssa

// byteSwapOf returns x when or-tree v reverses the bytes of x, else nil.
// wasm has no byte swap, so compilers spell one out: LLVM's bswap32 is
// (x << 24) | ((x << 8) & 0xff0000) | ((x >> 8) & 0xff00) | (x >> 24),
// fourteen or so x86 instructions where bswap is one (big-endian loads:
// hashes, ciphers, network byte order). Rather than match that one
// spelling, the tree is evaluated as a permutation of x's bytes: shifts
// and rotations by whole bytes move them, byte masks clear them, and an
// or merges two permutations of the same x that leave each other's bytes
// zero.
func byteSwapOf(v *Value) *Value {
	if v.Op != OpOr || v.Type != TI32 && v.Type != TI64 {
		return nil
	}
	n := v.Type.Size() / 8
	// A 64-bit swap is eight leaves of two operations under seven ors;
	// the budget bounds the walk of a shared (DAG) or-tree.
	budget := 64
	p := bytesOf(v, n, 10, &budget)
	x := p.single(n)
	if x == nil || x == v || x.Type != v.Type {
		return nil
	}
	for i := 0; i < n; i++ {
		if int(p.at[i].j) != n-1-i || p.at[i].x == nil {
			return nil
		}
	}
	return x
}

// byteSrc is where one byte of a value comes from: byte j of x, or zero
// when x is nil.
type byteSrc struct {
	x *Value
	j int8
}

// bytePerm is a value as bytes of other values: byte i of the value is
// at[i]. byteSwapOf needs all of one x; loopIdioms' merged word copies
// (musl memcpy's misaligned loops) take bytes of two loaded words.
type bytePerm struct {
	at [8]byteSrc
}

// single returns the one value all non-zero bytes come from, or nil.
func (p bytePerm) single(n int) *Value {
	var x *Value
	for _, b := range p.at[:n] {
		if b.x != nil {
			if x != nil && b.x != x {
				return nil
			}
			x = b.x
		}
	}
	return x
}

// bytesOf describes v (n bytes wide) as bytes of values depth or fewer
// operations down, looking at no more than *budget values in all: shifts
// and rotations by whole bytes move bytes, byte masks clear them, and an
// or merges two values whose bytes do not collide. At worst v is its own
// bytes.
func bytesOf(v *Value, n, depth int, budget *int) bytePerm {
	v = resolve(v)
	var self bytePerm
	for i := 0; i < n; i++ {
		self.at[i] = byteSrc{v, int8(i)}
	}
	*budget--
	if depth == 0 || *budget < 0 || len(v.Args) != 2 || int(v.Type.Size()) != 8*n {
		return self
	}
	x, y := resolve(v.Args[0]), resolve(v.Args[1])
	switch v.Op {
	case OpShl, OpShrU, OpRotl, OpRotr:
		if y.Op != OpConst {
			return self
		}
		c := int(uint64(y.Aux) & uint64(8*n-1))
		if c%8 != 0 {
			return self
		}
		k := c / 8
		in := bytesOf(x, n, depth-1, budget)
		var out bytePerm
		for i := 0; i < n; i++ {
			var j int
			switch v.Op {
			case OpShl:
				j = i - k
			case OpShrU:
				j = i + k
			case OpRotl:
				j = (i - k + n) % n
			case OpRotr:
				j = (i + k) % n
			}
			if j >= 0 && j < n {
				out.at[i] = in.at[j]
			}
		}
		return out
	case OpAnd:
		if x.Op == OpConst {
			x, y = y, x
		}
		if y.Op != OpConst {
			return self
		}
		in := bytesOf(x, n, depth-1, budget)
		for i := 0; i < n; i++ {
			switch byte(uint64(y.Aux) >> (8 * i)) {
			case 0:
				in.at[i] = byteSrc{}
			case 0xff:
			default:
				return self
			}
		}
		return in
	case OpOr:
		a, b := bytesOf(x, n, depth-1, budget), bytesOf(y, n, depth-1, budget)
		for i := 0; i < n; i++ {
			if a.at[i].x == nil {
				a.at[i] = b.at[i]
			} else if b.at[i].x != nil && b.at[i] != a.at[i] {
				return self
			}
		}
		return a
	}
	return self
}
