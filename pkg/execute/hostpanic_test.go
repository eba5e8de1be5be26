package execute

import (
	"errors"
	"strings"
	"testing"
)

// A host function that panics ends the call with an error that names it;
// the panic never unwinds through the caller, and the store still works.
func TestHostPanicIsAnError(t *testing.T) {
	_, inst := instantiateTest(t, Config{}, func(c *Caller, stack []uint64) error {
		var m map[string]int
		m["boom"]++ // a nil-map panic, as a bug in a host function would make
		return nil
	})
	_, err := inst.Func("loophost").Call(1)
	if !errors.Is(err, ErrHostPanic) || !strings.Contains(err.Error(), "env.host") || !strings.Contains(err.Error(), "nil map") {
		t.Fatalf("loophost = %v, want ErrHostPanic naming env.host and the panic", err)
	}
	for range 3 {
		if res, err := inst.Func("add").Call(1, 2); err != nil || res[0] != 3 {
			t.Fatalf("add after a host panic = %v, %v", res, err)
		}
	}
}
