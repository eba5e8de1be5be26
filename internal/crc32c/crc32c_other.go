//go:build !amd64

package crc32c

func update(s uint32, p []byte) uint32 { return updateGeneric(s, p) }
