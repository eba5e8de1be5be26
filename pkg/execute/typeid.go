package execute

import (
	"strings"
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

func typeKey(t wasm.FuncType) string {
	var b strings.Builder
	for _, p := range t.Params {
		b.WriteByte(byte(p))
	}
	b.WriteByte(0)
	for _, r := range t.Results {
		b.WriteByte(byte(r))
	}
	return b.String()
}

// TypeID returns the canonical ID of a signature.
func TypeID(t wasm.FuncType) uint64 {
	k := typeKey(t)
	typeIDs.mu.Lock()
	defer typeIDs.mu.Unlock()
	if typeIDs.ids == nil {
		typeIDs.ids = make(map[string]uint64)
	}
	id, ok := typeIDs.ids[k]
	if !ok {
		typeIDs.next++
		id = typeIDs.next
		typeIDs.ids[k] = id
	}
	return id
}
