package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHelpToFullDevice: --help, -h and --version whose output cannot be
// written (standard output on /dev/full, as on a full disk) exit 1 with one
// "write error" line, as coreutils do, not 0 having printed nothing
// (urfave/cli ignores the write's error); written, they exit 0.
func TestHelpToFullDevice(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	for _, tool := range badTools {
		exe, err := bin(tool.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, flag := range []string{"--help", "-h", "--version"} {
			t.Run(tool.name+"/"+flag, func(t *testing.T) {
				code := func(out *os.File) (int, string) {
					var stderr bytes.Buffer
					cmd := exec.Command(exe, flag)
					cmd.Stdout, cmd.Stderr = out, &stderr
					err := cmd.Run()
					var ee *exec.ExitError
					if errors.As(err, &ee) {
						return ee.ExitCode(), stderr.String()
					}
					if err != nil {
						t.Fatal(err)
					}
					return 0, stderr.String()
				}
				if c, e := code(full); c != 1 || strings.Count(e, "\n") != 1 || !strings.Contains(e, tool.name+": write error: no space left on device") {
					t.Errorf("to /dev/full: exit %d, stderr %q; want 1 and one write error line", c, e)
				}
				devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer devnull.Close()
				if c, e := code(devnull); c != 0 || e != "" {
					t.Errorf("to %s: exit %d, stderr %q", os.DevNull, c, e)
				}
			})
		}
	}
}
