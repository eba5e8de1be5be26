package amd64

import "testing"

// TestPhasesBackEdge pins the function starts phases picks (bit k: a start
// 16k bytes past a line boundary) when a loop's back-edge jump would
// straddle two lines at some of them.
func TestPhasesBackEdge(t *testing.T) {
	tests := []struct {
		name  string
		spans []loopSpan
		want  uint8
	}{
		// matmul_simd's loop: 65 bytes, its jge the last 2; at start 0
		// the jge's last byte is in the next line.
		{"65-byte loop", []loopSpan{{start: 0, headEnd: 65, end: 65, depth: 1, brStart: 63, brEnd: 65}}, 0b1110},
		{"rel32 back edge", []loopSpan{{start: 0, headEnd: 82, end: 82, depth: 1, brStart: 76, brEnd: 82}}, 0b0111},
		{"no start splits it", []loopSpan{{start: 0, headEnd: 100, end: 100, depth: 1, brStart: 46, brEnd: 48}}, 0},
		{"loop within a line", []loopSpan{{start: 0, headEnd: 40, end: 40, depth: 1, brStart: 38, brEnd: 40}}, 0b0011},
		// The inner loop's jump straddles at start 2, the outer loop's
		// head at 3.
		{"inner and outer loops", []loopSpan{
			{start: 0, headEnd: 20, end: 200, depth: 1, brStart: 198, brEnd: 200},
			{start: 32, headEnd: 97, end: 97, depth: 2, brStart: 95, brEnd: 97},
		}, 0b0011},
		{"no jump recorded", []loopSpan{{start: 0, headEnd: 100, end: 100, depth: 1}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &emitter{spans: tc.spans}
			if got := e.phases(); got != tc.want {
				t.Errorf("phases() = %04b, want %04b", got, tc.want)
			}
		})
	}
}
