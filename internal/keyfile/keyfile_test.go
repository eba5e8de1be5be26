package keyfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Read refuses at once whatever is not a regular file: a FIFO with no
// writer blocked open(2) for ever, and a device was read to the cap.
func TestReadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pub")
	const line = "lucet-ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	if err := os.WriteFile(good, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{good, ""},
		{fifo, fifo + ": a FIFO, not a key file"},
		{dir, dir + ": is a directory"},
		{big, big + ": longer than 1048576 bytes, not a key file"},
		{filepath.Join(dir, "nosuch"), filepath.Join(dir, "nosuch") + ": no such file or directory"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases, struct{ path, want string }{"/dev/zero", "/dev/zero: a character device, not a key file"})
	}
	for _, tc := range cases {
		done := make(chan error, 1)
		var b []byte
		go func() {
			var err error
			b, err = Read(tc.path)
			done <- err
		}()
		select {
		case err := <-done:
			if tc.want == "" {
				if err != nil || string(b) != line {
					t.Errorf("Read(%s) = %q, %v; want the file", tc.path, b, err)
				}
				continue
			}
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Errorf("Read(%s): %v; want an error ending %q", tc.path, err, tc.want)
			}
		case <-time.After(20 * time.Second):
			if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				f.Close() // let a blocked open return
			}
			t.Fatalf("Read(%s) still waiting after 20 s", tc.path)
		}
	}
}
