// Package budget counts a process-wide resource held against a limit
// that may change from call to call (it is read from the kernel or a
// test's override): execute's table reservations and wasi's host
// descriptors.
package budget

import "sync/atomic"

// Counter is how many of the resource are held. Load and Add(-1) read
// and give back; Take takes one.
type Counter struct{ atomic.Int64 }

// Take takes one unless limit are already held, and reports whether it
// did. Concurrent takers never push the count past limit.
func (c *Counter) Take(limit int64) bool {
	for {
		n := c.Load()
		if n >= limit {
			return false
		}
		if c.CompareAndSwap(n, n+1) {
			return true
		}
	}
}
