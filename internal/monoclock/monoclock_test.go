package monoclock

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestNowIsClockMonotonic: Now agrees with clock_gettime(CLOCK_MONOTONIC)
// read around it, and never goes back.
func TestNowIsClockMonotonic(t *testing.T) {
	prev := int64(0)
	for i := 0; i < 1000; i++ {
		var a, b unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &a); err != nil {
			t.Fatal(err)
		}
		n := Now()
		if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &b); err != nil {
			t.Fatal(err)
		}
		if n < a.Nano() || n > b.Nano() || n < prev {
			t.Fatalf("Now() = %d, CLOCK_MONOTONIC read %d before and %d after, previous Now %d", n, a.Nano(), b.Nano(), prev)
		}
		prev = n
	}
}
