package version

import "testing"

func TestString(t *testing.T) {
	for _, c := range []struct {
		in   Info
		want string
	}{
		{Info{Module: "(devel)"}, "(devel)"},
		{Info{Module: "v0.3.0", Revision: "5d69056a1b2c3d4e5f"}, "v0.3.0 5d69056a1b2c"},
		{Info{Module: "(devel)", Revision: "abc", Modified: true}, "(devel) abc+dirty"},
		{Info{Module: "v0.0.0-20261204203457-3e0e67f0519b", Revision: "3e0e67f0519b253d"}, "v0.0.0-20261204203457-3e0e67f0519b"},
		{Info{Module: "v0.0.0-20261204203457-3e0e67f0519b+dirty", Revision: "3e0e67f0519b253d", Modified: true}, "v0.0.0-20261204203457-3e0e67f0519b+dirty"},
	} {
		if got := c.in.String(); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.in, got, c.want)
		}
	}
	if Get().Module == "" || CompilerID() == "" {
		t.Fatalf("empty build info: %+v %q", Get(), CompilerID())
	}
}
