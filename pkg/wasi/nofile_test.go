package wasi

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// nofileChildEnv names the test a child process runs under a lowered
// RLIMIT_NOFILE.
const nofileChildEnv = "LUCET_WASI_NOFILE_CHILD"

// inNofileChild runs t in a child process of this test binary whose soft
// RLIMIT_NOFILE is limit, set before anything in the child computes the
// process-wide budget from it. In the parent it waits for the child's
// result and returns false; in the child it returns true and t goes on.
func inNofileChild(t *testing.T, limit uint64) bool {
	t.Helper()
	if os.Getenv(nofileChildEnv) == t.Name() {
		var rl unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatal(err)
		}
		nofileOrig = rl
		rl.Cur = limit
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
			t.Fatal(err)
		}
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), nofileChildEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("child did not run the test:\n%s", out)
	}
	return false
}

// nofileOrig is the limit inNofileChild lowered, for restoreNofile.
var nofileOrig unix.Rlimit

// restoreNofile puts back the limit inNofileChild lowered: removing a deep
// tree takes a descriptor per level (os.RemoveAll).
func restoreNofile() {
	if nofileOrig.Cur != 0 {
		unix.Setrlimit(unix.RLIMIT_NOFILE, &nofileOrig)
	}
}

// deepTree makes dir/d/d/... levels deep, with a file f holding "level40"
// in the directory 40 levels down, and returns the path to open it the
// long way: down every level, back up to level 40, then f.
func deepTree(t *testing.T, levels int) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, strings.Repeat("d/", levels)), 0o755); err != nil {
		t.Skip("cannot build a deep tree here:", err)
	}
	if err := os.WriteFile(filepath.Join(dir, strings.Repeat("d/", 40), "f"), []byte("level40"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restoreNofile) // runs before TempDir's removal
	return dir, strings.Repeat("d/", levels) + strings.Repeat("../", levels-40) + "f"
}

// The fallback walk holds few directory fds however deep it goes and back,
// and counts them against the process-wide budget: 50 (49 for the walk
// and the file it opens) is enough for a walk 500 levels down and 460 up;
// 20 is not, and the guest gets ENFILE rather than the walk taking more.
// (The walk used to hold one fd per level, uncounted: 500 here.)
func TestWalkHoldsFewFDs(t *testing.T) {
	dir, path := deepTree(t, 500)
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "."}}})
	h.s.walk = true
	t.Cleanup(func() { hostFDCapOverride.Store(0) })
	before := hostFDs.Load()
	hostFDCapOverride.Store(before + maxWalkDepth/walkWindow + walkWindow + 1 + 1)
	fd, e := h.open(3, false, path, 0, rightFdRead, 0, 0)
	if e != ErrnoSuccess {
		t.Fatalf("walk within the budget: errno %d", e)
	}
	if got := string(h.read(fd, 16)); got != "level40" {
		t.Fatalf("walk opened the wrong file: read %q", got)
	}
	if n := hostFDs.Load(); n != before+1 {
		t.Fatalf("after the walk %d fds counted, want %d (the file)", n, before+1)
	}
	h.must("fd_close", uint64(fd))
	hostFDCapOverride.Store(before + 20)
	if _, e := h.open(3, false, path, 0, rightFdRead, 0, 0); e != ErrnoNfile {
		t.Fatalf("walk past the budget: errno %d, want ENFILE (%d)", e, ErrnoNfile)
	}
	if n := hostFDs.Load(); n != before {
		t.Fatalf("after a refused walk %d fds counted, want %d", n, before)
	}
}

// Under RLIMIT_NOFILE 400 (the guests' budget 144) a walk 500 levels down
// opens its file, and the host can still open files. The walk used to need
// one host fd per level and got EMFILE from the kernel.
func TestWalkUnderLowNofile(t *testing.T) {
	if !inNofileChild(t, 400) {
		return
	}
	dir, path := deepTree(t, 500)
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: dir, GuestPath: "."}}})
	h.s.walk = true
	fd, e := h.open(3, false, path, 0, rightFdRead, 0, 0)
	if e != ErrnoSuccess {
		t.Fatalf("deep walk: errno %d", e)
	}
	if got := string(h.read(fd, 16)); got != "level40" {
		t.Fatalf("read %q", got)
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatalf("host open: %v", err)
	}
	f.Close()
}

// Many instances near the host fd limit: under RLIMIT_NOFILE 512 the
// guests' budget is 256 and a System at the default MaxOpenFiles stops at
// a quarter of it (minShare, 64 entries, stdio and preopen included).
// A greedy guest gets EMFILE there and the next still opens files; once
// every guest has opened all it can, each got an errno (EMFILE or ENFILE),
// guests hold no more than the budget, the host still opens 200 files,
// and closing every System gives the budget back.
func TestManyInstancesLowNofile(t *testing.T) {
	if !inNofileChild(t, 512) {
		return
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := hostFDLimit(); got != 256 {
		t.Fatalf("budget %d under RLIMIT_NOFILE 512, want 256", got)
	}
	var hs []*harness
	for range 20 {
		hs = append(hs, newHarness(t, Config{Preopens: []Preopen{{HostPath: dir}}}))
	}
	n, e := openLoop(hs[0], 3, "f", 1000)
	if want := minShare - 4; n != want || e != ErrnoMfile {
		t.Fatalf("greedy guest: opened %d then errno %d, want %d then EMFILE (%d)", n, e, want, ErrnoMfile)
	}
	if n, e := openLoop(hs[1], 3, "f", 10); n != 10 || e != ErrnoSuccess {
		t.Fatalf("next guest: opened %d, errno %d", n, e)
	}
	total := minShare - 4 + 10
	for i, h := range hs[1:] {
		n, e := openLoop(h, 3, "f", 1000)
		if e != ErrnoMfile && e != ErrnoNfile {
			t.Fatalf("guest %d: opened %d then errno %d, want EMFILE or ENFILE", i+1, n, e)
		}
		total += n
	}
	if held := hostFDs.Load(); held > 256 || held != int64(total+len(hs)) {
		t.Fatalf("guests hold %d counted fds (opened %d, %d preopens), budget 256", held, total, len(hs))
	}
	var files []*os.File
	for range 200 {
		f, err := os.Open(filepath.Join(dir, "f"))
		if err != nil {
			t.Fatalf("host open %d with the guests at their budget: %v", len(files), err)
		}
		files = append(files, f)
	}
	for _, f := range files {
		f.Close()
	}
	for _, h := range hs {
		if err := h.s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if held := hostFDs.Load(); held != 0 {
		t.Fatalf("%d fds still counted after every System closed", held)
	}
}

// The walk's reopen by name races a flip of a directory it passed through
// (level 10 of sb/d/d/...) between the real one and a symlink to the same
// place in a mirror tree outside the preopen. A walk 60 levels down and 45
// back up reopens levels 1..27 by name from the base, through the flipping
// one; whatever the interleaving it reads the inside file or fails, never
// the outside one.
func TestWalkReopenRace(t *testing.T) {
	if testing.Short() {
		t.Skip("a timed race: -short skips it")
	}
	root := t.TempDir()
	for _, top := range []string{"sb", "outside"} {
		if err := os.MkdirAll(filepath.Join(root, top, strings.Repeat("d/", 60)), 0o755); err != nil {
			t.Skip("cannot build a deep tree here:", err)
		}
	}
	secret := strings.Repeat("d/", 15) + "secret"
	os.WriteFile(filepath.Join(root, "sb", secret), []byte("inside"), 0o644)
	os.WriteFile(filepath.Join(root, "outside", secret), []byte("top secret"), 0o644)
	parent := filepath.Join(root, "sb", strings.Repeat("d/", 9))
	link := strings.Repeat("../", 10) + "outside/" + strings.Repeat("d/", 10)
	h := newHarness(t, Config{Preopens: []Preopen{{HostPath: filepath.Join(root, "sb"), GuestPath: "."}}})
	h.s.walk = true
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d, aside := filepath.Join(parent, "d"), filepath.Join(parent, "aside")
		for !stop.Load() {
			if os.Rename(d, aside) == nil {
				os.Symlink(link, d)
				os.Remove(d)
				os.Rename(aside, d)
			}
		}
	}()
	path := strings.Repeat("d/", 60) + strings.Repeat("../", 45) + "secret"
	outcomes := map[Errno]int{}
	// A second of walks, and on until one got through (a loaded machine
	// can give the flipper the whole second: 4,489 walks, none through),
	// up to 20 s.
	start := time.Now()
	for time.Since(start) < time.Second || outcomes[ErrnoSuccess] == 0 && time.Since(start) < 20*time.Second {
		fd, e := h.open(3, false, path, 0, rightFdRead, 0, 0)
		outcomes[e]++
		if e == ErrnoSuccess {
			if got := string(h.read(fd, 16)); got != "inside" {
				t.Fatalf("read %q", got)
			}
			h.must("fd_close", uint64(fd))
		}
		h.next = 64 // the harness's bump allocator: each round's path and buffers again
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("outcomes %v", outcomes)
	if outcomes[ErrnoSuccess] == 0 {
		t.Error("no walk got through: the race tests nothing")
	}
}

// pollMem is a guest memory for one poll_oneoff call of subs, under a
// Canceler that closes after cancelAfter (< 0 never): Func.Call's memory
// and argument stack.
func pollMem(t *testing.T, cancelAfter time.Duration, subs ...sub) (*cancelMem, []uint64) {
	h := &harness{t: t, mem: &fakeMem{b: make([]byte, 4096)}, next: 64}
	in, out, n := h.pollArgs(subs...)
	return newCancelMem(t, h.mem, cancelAfter, nil), []uint64{uint64(in), uint64(out), uint64(len(subs)), uint64(n)}
}

// Guests sleeping in poll_oneoff hold no host descriptor: 64 sleeps at
// once open none (each used to hold an eventfd no budget counted, so a few
// hundred sleeping guests under RLIMIT_NOFILE 1024 took the host's whole
// reserve). A sleep still ends when cancelled, and on time otherwise.
func TestSleepHoldsNoFD(t *testing.T) {
	h := newHarness(t, Config{})
	poll := h.funcs["poll_oneoff"]
	const sleepers = 64
	before := openFDs(t)
	var wg sync.WaitGroup
	errs := make(chan error, sleepers)
	for i := range sleepers {
		mem, stack := pollMem(t, -1, sub{userdata: uint64(i), typ: eventtypeClock, clockID: 1, timeout: uint64(400 * time.Millisecond)})
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := poll.Call(mem, stack)
			if err == nil && (Errno(stack[0]) != ErrnoSuccess || time.Since(start) < 400*time.Millisecond) {
				err = fmt.Errorf("errno %d after %v", stack[0], time.Since(start))
			}
			errs <- err
		}()
	}
	time.Sleep(200 * time.Millisecond)
	during := openFDs(t)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if during-before >= sleepers/2 {
		t.Errorf("%d sleeping guests hold %d more host fds", sleepers, during-before)
	}
	mem, stack := pollMem(t, 50*time.Millisecond, sub{typ: eventtypeClock, clockID: 1, timeout: uint64(time.Hour)})
	start := time.Now()
	if err := poll.Call(mem, stack); err != errCancelled || time.Since(start) > 2*time.Second {
		t.Errorf("cancelled sleep: %v after %v", err, time.Since(start))
	}
}

// A poll_oneoff that waits on an fd holds one eventfd (to be woken when
// cancelled), counted against the process-wide budget: past it the call
// fails with ENFILE instead of taking a descriptor beyond it.
func TestPollWakerCounted(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	// The preopen holds a counted fd, so the budget can be set to none left.
	h := newHarness(t, Config{Stdin: pr, Preopens: []Preopen{{HostPath: t.TempDir()}}})
	poll := h.funcs["poll_oneoff"]
	subs := []sub{{typ: eventtypeFdRead, fd: 0}, {userdata: 1, typ: eventtypeClock, clockID: 1, timeout: uint64(300 * time.Millisecond)}}
	before := hostFDs.Load()
	mem, stack := pollMem(t, -1, subs...)
	// The most counted at any time during the wait.
	seen, stop := make(chan int64), make(chan struct{})
	go func() {
		most := hostFDs.Load()
		for {
			select {
			case <-stop:
				seen <- most
				return
			case <-time.After(time.Millisecond):
				most = max(most, hostFDs.Load())
			}
		}
	}()
	err = poll.Call(mem, stack)
	close(stop)
	during := <-seen
	if err != nil || Errno(stack[0]) != ErrnoSuccess {
		t.Fatalf("poll: %v, errno %d", err, stack[0])
	}
	if during != before+1 || hostFDs.Load() != before {
		t.Errorf("counted fds: %d before, at most %d during the wait, %d after; want one more during", before, during, hostFDs.Load())
	}
	hostFDCapOverride.Store(before)
	t.Cleanup(func() { hostFDCapOverride.Store(0) })
	mem, stack = pollMem(t, -1, subs...)
	if err := poll.Call(mem, stack); err != nil || Errno(stack[0]) != ErrnoNfile {
		t.Fatalf("poll past the budget: %v, errno %d, want ENFILE", err, stack[0])
	}
}
