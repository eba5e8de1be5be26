package oneproc

import (
	"os"
	"runtime"
	"testing"
)

// The package's initialisation holds one P, and Release gives back what
// was there before: the value itself when the user chose it, the
// runtime's default (the same number here, where nothing changes the CPU
// quota meanwhile) otherwise.
func TestHoldRelease(t *testing.T) {
	if runtime.NumCPU() < 2 || os.Getenv("GOMAXPROCS") != "" {
		t.Skip("needs 2 CPUs and no GOMAXPROCS in the environment")
	}
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Fatalf("after initialisation GOMAXPROCS is %d, want 1", got)
	}
	start := held
	Release(false)
	if got := runtime.GOMAXPROCS(0); got != start {
		t.Fatalf("after Release GOMAXPROCS is %d, want the %d held", got, start)
	}
	for _, c := range []struct {
		name   string
		before int // GOMAXPROCS when Hold is called; 0: the default
		custom bool
		want   int
	}{
		{"default", 0, false, start},
		{"user's", 3, true, 3},
		{"already one", 1, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.before != 0 {
				runtime.GOMAXPROCS(c.before)
			}
			Hold()
			Hold() // no-op: still holding
			if got := runtime.GOMAXPROCS(0); got != 1 {
				t.Errorf("held: GOMAXPROCS %d, want 1", got)
			}
			Release(c.custom)
			if got := runtime.GOMAXPROCS(0); got != c.want {
				t.Errorf("released: GOMAXPROCS %d, want %d", got, c.want)
			}
			Release(c.custom) // no-op: nothing held
			if got := runtime.GOMAXPROCS(0); got != c.want {
				t.Errorf("released twice: GOMAXPROCS %d, want %d", got, c.want)
			}
			runtime.SetDefaultGOMAXPROCS()
		})
	}
}
