package execute

import (
	"sync"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Canonical type IDs are process-wide so that call_indirect across
// instances (and modules compiled separately) compares signatures with one
// integer compare. IDs are never reused; 0 is never handed out, so a zeroed
// FuncRef never matches.
var typeIDs struct {
	mu   sync.Mutex
	ids  map[string]uint64
	next uint64
}

// appendTypeKey appends t's key: the parameter types, a 0, the result types.
func appendTypeKey(b []byte, t wasm.FuncType) []byte {
	for _, p := range t.Params {
		b = append(b, byte(p))
	}
	b = append(b, 0)
	for _, r := range t.Results {
		b = append(b, byte(r))
	}
	return b
}

// TypeID returns the canonical ID of a signature. The key is built in a
// buffer on the stack and looked up without a conversion, so a type seen
// before allocates nothing and a new one only its key (a strings.Builder
// grew one byte at a time: ~3 allocations per type, a third of those a
// hello-world run made while instantiating).
func TypeID(t wasm.FuncType) uint64 {
	var buf [32]byte
	k := buf[:0]
	if n := len(t.Params) + 1 + len(t.Results); n > len(buf) {
		k = make([]byte, 0, n)
	}
	k = appendTypeKey(k, t)
	typeIDs.mu.Lock()
	defer typeIDs.mu.Unlock()
	if typeIDs.ids == nil {
		typeIDs.ids = make(map[string]uint64)
	}
	id, ok := typeIDs.ids[string(k)]
	if !ok {
		typeIDs.next++
		id = typeIDs.next
		typeIDs.ids[string(k)] = id
	}
	return id
}
