package execute

import (
	"fmt"
	"math"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
)

// Fuel metering (Config.Fuel) needs code compiled with it (object.Meta.Fuel,
// lucetc --fuel): such code subtracts the cost of what it runs from the
// int64 at [vmctx+VMFuel] and leaves with ExitInterrupt once that is
// negative, which the exit loop turns into TrapOutOfFuel.
//
// The budget is per instance: every instance of the store starts with
// Config.Fuel units, and code charges the instance it belongs to (a call
// into another instance's export is paid from that instance's budget).
// Fuel is not refilled between calls, like a wasmtime store's, so once an
// instance has run out every later call into it traps at its first check.
// With Config.Fuel == 0, instrumented code gets a budget it cannot exhaust
// (2^63-1 units) and runs unmetered.

// checkFuel refuses to meter fuel on code that does not count it.
func (s *Store) checkFuel(meta *object.Meta) error {
	if s.cfg.Fuel > 0 && !meta.Fuel {
		name := "the module"
		if meta.ModuleName != "" {
			name = fmt.Sprintf("module %q", meta.ModuleName)
		}
		return fmt.Errorf("execute: instantiate: %s was compiled without fuel instrumentation, which fuel metering needs (compile it with lucetc --fuel)", name)
	}
	return nil
}

// initFuel gives a new instance its budget.
func (s *Store) initFuel(vm uintptr) {
	fuel := uint64(math.MaxInt64)
	if s.cfg.Fuel > 0 {
		fuel = min(s.cfg.Fuel, math.MaxInt64)
	}
	store64(vm+abi.VMFuel, fuel)
}

// outOfFuel reports whether the instance that took an interrupt exit did
// so because its fuel ran out.
func (s *Store) outOfFuel() bool {
	vm := loadPtr(s.exec + abi.ExecExitVMCtx)
	return vm != 0 && int64(load64(vm+abi.VMFuel)) < 0
}

// FuelRemaining is the fuel left to inst (negative after it ran out), or
// false when the store does not meter fuel.
func (inst *Instance) FuelRemaining() (int64, bool) {
	if inst.store.cfg.Fuel == 0 || !inst.mod.meta.Fuel {
		return 0, false
	}
	return int64(load64(inst.vmctx + abi.VMFuel)), true
}
