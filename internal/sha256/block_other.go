//go:build !amd64

package sha256

func block(h *[8]uint32, p []byte) { blockGeneric(h, p) }
