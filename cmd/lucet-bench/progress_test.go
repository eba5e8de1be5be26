package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// openPTY returns the master and slave ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test with: %v", err)
	}
	var unlock int32
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, m.Fd(), unix.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open the pty's slave: %v", err)
	}
	return m, s
}

// The progress bar is drawn on a terminal and never on a pipe (what a
// script or peers' suite reads must stay clean). The delay before the bar
// appears (a second) is set to zero so that a short run shows it.
func TestProgressOnlyOnTerminal(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = 0
	const traps = "../../pkg/bench/testdata/traps.wasm"
	args := []string{"lucet-bench", "-n", "3000", "--live", "2000", traps}

	m, s := openPTY(t)
	defer m.Close()
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(m) // ends with EIO once the slave is closed
		got <- b
	}()
	var out bytes.Buffer
	if st := run(args, nil, &out, s); st != 0 {
		t.Fatalf("on a terminal: status %d", st)
	}
	s.Close()
	term := <-got
	if !bytes.Contains(term, []byte("\r\x1b[K")) || !bytes.Contains(term, []byte("] ")) || !bytes.Contains(term, []byte("%")) {
		t.Errorf("no progress bar on the terminal:\n%q", term)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	out.Reset()
	if st := run(args, nil, &out, w); st != 0 {
		t.Fatalf("on a pipe: status %d", st)
	}
	w.Close()
	if pipe := <-got; bytes.ContainsAny(pipe, "\r\x1b") || !strings.HasPrefix(string(pipe), "PEERBENCH {") {
		t.Errorf("the pipe got more than the PEERBENCH line:\n%q", pipe)
	}
}
