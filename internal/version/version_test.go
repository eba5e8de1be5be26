package version

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

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

// A build without a clean VCS revision (a test binary is one) is named by
// its executable file: the one os.Executable names, so that a rebuilt
// compiler, a new file or new times, gets a new ID.
func TestCompilerIDNamesTheExecutable(t *testing.T) {
	if i := Get(); i.Revision != "" && !i.Modified {
		t.Skip("a clean VCS build is named by its revision")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(exe, &st); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("dev %d:%d %d %d %d", st.Dev, st.Ino, st.Size, st.Mtim.Nano(), st.Ctim.Nano())
	if got := CompilerID(); got != want {
		t.Errorf("CompilerID() = %q, want %q", got, want)
	}
}
