package codegen_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
)

// TestParamWebExec runs the parser-like loop of testdata/paramweb (its
// header and latch parameters share slots at -O 2, regalloc/paramweb.go)
// at -O 0 and -O 2 in both bounds modes: the same results, and the same
// trap (kind and wasm offset) when the walk runs off the memory's end.
func TestParamWebExec(t *testing.T) {
	b, err := os.ReadFile("testdata/paramweb/paramweb.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type call struct{ n, p uint64 }
	calls := []call{{0, 0}, {1, 0}, {7, 3}, {100, 0}, {1000, 17}, {65536, 0}, {5000, 60000}, {100, 65530}, {1 << 20, 0}}
	var want []string
	for _, bounds := range []object.BoundsChecks{object.BoundsExplicit, object.BoundsGuard} {
		for _, opt := range []int{0, 2} {
			inst := compileInstance(t, m, codegen.Options{OptLevel: opt, Bounds: bounds, MemReserve: 4 << 30, MemGuard: 4 << 30})
			var got []string
			for _, c := range calls {
				r, err := inst.Func("run").Call(c.n, c.p)
				if err != nil {
					got = append(got, err.Error())
				} else {
					got = append(got, fmt.Sprint(r))
				}
			}
			if want == nil {
				want = got
				continue
			}
			for i := range calls {
				if got[i] != want[i] {
					t.Errorf("%v O%d run(%d, %d) = %s, want %s", bounds, opt, calls[i].n, calls[i].p, got[i], want[i])
				}
			}
		}
	}
	t.Logf("%q", want)
}
