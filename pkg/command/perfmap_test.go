package command_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/load"
)

// TestPerfMapPlanted: /tmp/perf-PID.map has a name anyone can predict, so
// another user may plant something there before lucet-run --profile=perfmap
// writes it. Whatever is planted (a symlink to a file of the victim's, a
// FIFO, a file), the map is written to a new 0600 file and renamed over
// it: the symlink's target is not written, nothing waits on the FIFO.
func TestPerfMapPlanted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, path, victim string)
	}{
		{"symlink to a victim file", func(t *testing.T, path, victim string) {
			if err := os.Symlink(victim, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"dangling symlink", func(t *testing.T, path, victim string) {
			if err := os.Symlink(victim+".new", path); err != nil {
				t.Fatal(err)
			}
		}},
		{"FIFO", func(t *testing.T, path, _ string) {
			if err := syscall.Mkfifo(path, 0o666); err != nil {
				t.Skip("mkfifo:", err)
			}
		}},
		{"file", func(t *testing.T, path, _ string) {
			if err := os.WriteFile(path, []byte("planted\n"), 0o666); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			path := command.PerfMapPath()
			if filepath.Dir(path) != tmp {
				t.Fatalf("PerfMapPath %s is not under TMPDIR %s", path, tmp)
			}
			tc.plant(t, path, victim)
			got, err := command.CreatePerfMap(map[string]*load.Module{})
			if err != nil {
				t.Fatal(err)
			}
			if got != path {
				t.Errorf("wrote %s, want %s", got, path)
			}
			st, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
				t.Errorf("%s is %v, want a regular file, mode 0600", path, st.Mode())
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
				t.Errorf("victim file now %q", b)
			}
			if _, err := os.Lstat(victim + ".new"); err == nil {
				t.Error("the dangling symlink's target was created")
			}
		})
	}
}
