package execute

import "testing"

// TestFindModule checks that a PC one past a module's code (the return
// address of a trap routine called at the end of its last function) still
// finds the module, and that containment wins over an adjacent end.
func TestFindModule(t *testing.T) {
	a := &module{code: 0x1000, size: 0x100}
	b := &module{code: 0x1100, size: 0x80}
	s := &Store{modules: []*module{a, b}}
	tests := []struct {
		pc   uintptr
		want *module
	}{
		{0xfff, nil},
		{0x1000, a},
		{0x10ff, a},
		{0x1100, b}, // inside b, also a's end
		{0x117f, b},
		{0x1180, b}, // b's end
		{0x1181, nil},
	}
	for _, tt := range tests {
		if got := s.findModule(tt.pc); got != tt.want {
			t.Errorf("findModule(%#x) = %p, want %p", tt.pc, got, tt.want)
		}
	}
}
