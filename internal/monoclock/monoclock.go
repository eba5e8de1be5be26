// Package monoclock reads CLOCK_MONOTONIC the way the Go runtime does,
// through the vDSO. In: nothing. Out: nanoseconds since boot.
//
// unix.ClockGettime is a real system call (microseconds in a VM) and
// time.Now also reads the wall clock; the runtime (pkg/execute's call
// deadlines) and WASI (clock_time_get, poll deadlines) read this clock
// often, so both take the runtime's own reading, from this one place.
package monoclock

import _ "unsafe" // go:linkname

// Now is CLOCK_MONOTONIC in nanoseconds: time since boot, > 0.
//
//go:linkname Now runtime.nanotime
func Now() int64
