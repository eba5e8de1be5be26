// Package lazy holds values built on first use. A package-level table
// written as a map literal or computed by a function call costs every
// program that links the package its construction at start-up, used or
// not (lucet-run links the compiler to run .wasm files but runs a .so
// without it). A Value declared as a composite literal,
//
//	var table = lazy.Value[map[K]V]{New: func() map[K]V { return map[K]V{...} }}
//
// is laid out by the linker with no initialisation code; New runs once,
// on the first Get.
package lazy

import (
	"sync"
	"sync/atomic"
)

// Value is a T built by New on the first call of Get. The zero Value
// (New nil) is unusable. A Value must not be copied after first use.
type Value[T any] struct {
	New func() T

	done atomic.Bool
	mu   sync.Mutex
	v    T
}

// Get returns the value, building it on the first call. It is safe for
// concurrent use; after the first call it is one atomic load.
func (l *Value[T]) Get() T {
	if l.done.Load() {
		return l.v
	}
	return l.build()
}

func (l *Value[T]) build() T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done.Load() {
		l.v = l.New()
		l.done.Store(true)
	}
	return l.v
}
