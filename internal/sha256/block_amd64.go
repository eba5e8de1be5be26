//go:build amd64

package sha256

import "github.com/lucet-go/lucet/internal/cpuid"

//go:noescape
func blockSHANI(h *[8]uint32, p *byte, n int)

// block runs p (whole blocks) through the compression function.
func block(h *[8]uint32, p []byte) {
	if f := cpuid.X86(); f.SHA && f.SSSE3 && f.SSE41 && len(p) >= BlockSize {
		blockSHANI(h, &p[0], len(p))
		return
	}
	blockGeneric(h, p)
}
