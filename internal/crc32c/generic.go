package crc32c

import "github.com/lucet-go/lucet/internal/lazy"

// table is the bytewise table, built on first use (only without SSE 4.2);
// a lazy.Value, not a sync.OnceValue, whose call in the initialiser would
// be package initialisation every load ran.
var table = lazy.Value[*[256]uint32]{New: func() *[256]uint32 {
	t := new([256]uint32)
	for i := range t {
		c := uint32(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}}
