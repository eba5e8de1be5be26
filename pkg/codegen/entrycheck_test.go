package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A function that calls has no load of the interrupt word: its prologue's
// stack check is its entry check (abi.StackLimitInterrupt), in the
// baseline and the optimizing tier and either bounds mode. A leaf with a
// loop has no stack check and keeps its interrupt check, and so does
// fuel-metered code.
func TestEntryCheckFolded(t *testing.T) {
	const (
		limit     = "[r15+0x10]"
		interrupt = "[r15+0x18]"
	)
	recurse := ssatest.Module1(ssatest.I32s, ssatest.I32s, nil, 0x20, 0, 0x10, 0)
	sumloop := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...)
	tests := []struct {
		name     string
		m        *wasm.Module
		fuel     bool
		check    bool // the prologue checks the stack
		polls    bool // the code loads the interrupt word
		baseline bool // also in the baseline tier (which has no fuel)
	}{
		{"recurse", recurse, false, true, false, true},
		{"recurse/fuel", recurse, true, true, true, false},
		{"sumloop", sumloop, false, false, true, false},
	}
	for _, tc := range tests {
		for _, bounds := range []object.BoundsChecks{object.BoundsGuard, object.BoundsExplicit} {
			for _, tier := range []string{"O0", "O2", "baseline"} {
				if tier == "baseline" && !tc.baseline {
					continue
				}
				opts := &ssa.Options{OptLevel: 2, Features: testMachine.DefaultFeatures(), Bounds: bounds, Fuel: tc.fuel}
				if bounds == object.BoundsGuard {
					opts.MemReserve, opts.MemGuard = 4<<30, 2<<30
				}
				if tier != "O2" {
					opts.OptLevel = 0
				}
				var fc *isa.FuncCode
				var err error
				if tier == "baseline" {
					fc, err = compileBaseline(tc.m, 0, opts, testMachine.(isa.Baseline).NewBaselineEmitter())
				} else {
					fc, err = compileFunc(tc.m, 0, opts, frontend.ModuleFacts(tc.m), testMachine, testMachine.NewFuncEmitter(), nil)
				}
				if err != nil {
					t.Fatalf("%s %s %v: %v", tc.name, tier, bounds, err)
				}
				code := disasm(fc.Code)
				if got := strings.Contains(code, limit); got != tc.check {
					t.Errorf("%s %s bounds %v: stack check %v, want %v:\n%s", tc.name, tier, bounds, got, tc.check, code)
				}
				if got := strings.Contains(code, interrupt); got != tc.polls {
					t.Errorf("%s %s bounds %v: loads the interrupt word %v, want %v:\n%s", tc.name, tier, bounds, got, tc.polls, code)
				}
			}
		}
	}
}
