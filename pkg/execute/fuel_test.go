package execute

import (
	"errors"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// fuelModule has two exports:
//
//	count(n) runs a 7-unit loop body until its counter reaches n and
//	returns the counter: 7*max(n,1) + 1 units in all (loop and end free);
//	calls(n) does the same, calling leaf() (i32.const: 1 unit; its end
//	is free) and dropping the result in every iteration: 9*max(n,1) + 1.
//	leaf has neither loop nor call, so it has no check of its own: its
//	charge is seen by the caller's next check.
func fuelModule(t *testing.T, fuel bool) *object.Object {
	t.Helper()
	i32 := wasm.I32
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{i32}, Results: []wasm.ValType{i32}},
			{Results: []wasm.ValType{i32}},
		},
		Funcs: []uint32{0, 0, 1},
		Codes: []wasm.Code{
			{Locals: []wasm.LocalEntry{{Count: 1, Type: i32}}, Body: []byte{
				0x03, 0x40, // loop
				0x20, 1, 0x41, 1, 0x6a, 0x22, 1, // i = i + 1 (tee)
				0x20, 0, 0x48, 0x0d, 0, // br_if 0 (i < n)
				0x0b,
				0x20, 1, // local.get i
				0x0b}},
			{Locals: []wasm.LocalEntry{{Count: 1, Type: i32}}, Body: []byte{
				0x03, 0x40, // loop
				0x10, 2, 0x1a, // call leaf; drop
				0x20, 1, 0x41, 1, 0x6a, 0x22, 1, // i = i + 1 (tee)
				0x20, 0, 0x48, 0x0d, 0, // br_if 0 (i < n)
				0x0b,
				0x20, 1,
				0x0b}},
			{Body: []byte{0x41, 42, 0x0b}},
		},
		Exports: []wasm.Export{{Name: "count", Kind: wasm.ExternFunc, Index: 0}, {Name: "calls", Kind: wasm.ExternFunc, Index: 1}},
	}
	obj, err := codegen.Compile(m, codegen.Options{Fuel: fuel})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Meta.Fuel != fuel {
		t.Fatalf("Meta.Fuel = %v, want %v", obj.Meta.Fuel, fuel)
	}
	return obj
}

func TestFuel(t *testing.T) {
	const n = 1000
	tests := []struct {
		name     string
		fn       string
		fuel     uint64
		wantTrap bool
		left     int64 // fuel left after a successful call
	}{
		{"count exact", "count", 7*n + 1, false, 0},
		{"count spare", "count", 10 * n, false, 10*n - (7*n + 1)},
		{"count short", "count", 7*n - 70, true, 0},
		{"count tiny", "count", 1, true, 0},
		{"calls exact", "calls", 9*n + 1, false, 0},
		{"calls short", "calls", 9*n - 90, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, inst := newInstance(t, Config{Fuel: tt.fuel}, fuelModule(t, true), ImportMap{})
			got, err := inst.Func(tt.fn).Call(n)
			left, ok := inst.FuelRemaining()
			if !ok {
				t.Fatalf("FuelRemaining reports no metering")
			}
			if !tt.wantTrap {
				if err != nil {
					t.Fatalf("%s(%d) with fuel %d: %v", tt.fn, n, tt.fuel, err)
				}
				if int32(got[0]) != n {
					t.Errorf("%s(%d) = %d", tt.fn, n, int32(got[0]))
				}
				if left != tt.left {
					t.Errorf("fuel left %d, want %d", left, tt.left)
				}
				return
			}
			var trap *Trap
			if !errors.As(err, &trap) || trap.Code != abi.TrapOutOfFuel {
				t.Fatalf("%s(%d) with fuel %d = %v, %v; want trap %q", tt.fn, n, tt.fuel, got, err, abi.TrapOutOfFuel)
			}
			if !strings.Contains(err.Error(), "all fuel consumed") {
				t.Errorf("trap text %q does not say all fuel consumed", err)
			}
			if len(trap.Frames) == 0 {
				t.Errorf("out-of-fuel trap has no backtrace")
			}
			// The check that saw it is at most one loop body (plus the
			// leaf) past the budget.
			if left >= 0 || left < -10 {
				t.Errorf("fuel left at the trap %d, want in [-10, 0)", left)
			}
			// Exhausted stays exhausted.
			if _, err := inst.Func(tt.fn).Call(n); !IsTrap(err, abi.TrapOutOfFuel) {
				t.Errorf("second call after running out: %v, want out of fuel", err)
			}
		})
	}
}

func TestFuelNeedsInstrumentedCode(t *testing.T) {
	s, err := NewStore(Config{Fuel: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.InstantiateObject(fuelModule(t, false), ImportMap{})
	if err == nil || !strings.Contains(err.Error(), "lucetc --fuel") {
		t.Fatalf("instantiating uninstrumented code with fuel: %v, want an error naming lucetc --fuel", err)
	}
}

// Instrumented code in a store without a budget runs unmetered.
func TestFuelUnmetered(t *testing.T) {
	_, inst := newInstance(t, Config{}, fuelModule(t, true), ImportMap{})
	got, err := inst.Func("count").Call(100000)
	if err != nil || int32(got[0]) != 100000 {
		t.Fatalf("count(100000) = %v, %v", got, err)
	}
	if _, ok := inst.FuelRemaining(); ok {
		t.Errorf("FuelRemaining reports metering in a store without Fuel")
	}
}
