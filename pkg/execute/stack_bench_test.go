package execute

import "testing"

// A stack changing tenant after a shallow call (two pages written): the
// cost of the reset it then needs.
func BenchmarkStackSwitch(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		st, err := getStack(defaultStackSize, uint64(i+1)<<40)
		if err != nil {
			b.Fatal(err)
		}
		top := len(st.r.mem)
		st.r.mem[top-8] = 1
		st.r.mem[top-4096-8] = 1
		putStack(st)
	}
}
