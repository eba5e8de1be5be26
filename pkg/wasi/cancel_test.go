package wasi

import (
	"errors"
	"os"
	"testing"
	"time"
)

// cancelMem is a fakeMem that is also a Canceler: Done closes after a
// delay (never if the delay is negative).
type cancelMem struct {
	*fakeMem
	done chan struct{}
	err  error
}

func newCancelMem(t *testing.T, m *fakeMem, after time.Duration, err error) *cancelMem {
	c := &cancelMem{fakeMem: m, done: make(chan struct{}), err: err}
	if after >= 0 {
		tm := time.AfterFunc(after, func() { close(c.done) })
		t.Cleanup(func() { tm.Stop() })
	}
	return c
}

func (c *cancelMem) Done() <-chan struct{} { return c.done }

func (c *cancelMem) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

var errStopped = errors.New("stopped by the runtime")

func TestPollCancel(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	h := newHarness(t, Config{Stdin: pr})
	hour := uint64(time.Hour)
	for _, tc := range []struct {
		name   string
		subs   []sub
		after  time.Duration // when Done closes; < 0 never
		err    error         // what Err says
		want   error         // Call's error; nil: poll_oneoff returns events
		events int
	}{
		{"sleep for an hour", []sub{{userdata: 1, typ: eventtypeClock, clockID: 1, timeout: hour}}, 50 * time.Millisecond, errStopped, errStopped, 0},
		{"empty pipe, no clock", []sub{{userdata: 2, typ: eventtypeFdRead, fd: 0}}, 50 * time.Millisecond, errStopped, errStopped, 0},
		{"Err says nothing", []sub{{userdata: 3, typ: eventtypeClock, clockID: 1, timeout: hour}}, 50 * time.Millisecond, nil, errCancelled, 0},
		{"already cancelled", []sub{{userdata: 4, typ: eventtypeClock, clockID: 0, timeout: hour}}, 0, errStopped, errStopped, 0},
		{"never cancelled", []sub{{userdata: 5, typ: eventtypeClock, clockID: 1, timeout: uint64(20 * time.Millisecond)}}, -1, nil, nil, 1},
		// A poll that would not block is cancelled all the same.
		{"immediate, cancelled", []sub{{userdata: 6, typ: eventtypeClock, clockID: 1, timeout: hour}, {userdata: 7, typ: eventtypeFdWrite, fd: 99}}, 0, errStopped, errStopped, 0},
		{"immediate", []sub{{userdata: 8, typ: eventtypeClock, clockID: 1, timeout: hour}, {userdata: 9, typ: eventtypeFdWrite, fd: 99}}, -1, nil, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := newCancelMem(t, h.mem, tc.after, tc.err)
			if tc.after == 0 {
				<-mem.done
			}
			in, out, n := h.pollArgs(tc.subs...)
			stack := []uint64{uint64(in), uint64(out), uint64(len(tc.subs)), uint64(n)}
			start := time.Now()
			err := h.funcs["poll_oneoff"].Call(mem, stack)
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("returned after %v", el)
			}
			if err != tc.want {
				t.Fatalf("Call error %v, want %v", err, tc.want)
			}
			if err == nil && (Errno(stack[0]) != ErrnoSuccess || h.u32(n) != uint32(tc.events)) {
				t.Errorf("errno %d, %d events; want success, %d events", stack[0], h.u32(n), tc.events)
			}
		})
	}
}
