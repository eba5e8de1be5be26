package wasi

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzPoll is what FuzzCalls leaves out: poll_oneoff, with arbitrary
// subscriptions (any type byte, fd, clock id, flags, a timeout of at most
// a millisecond, absolute ones in the past or the near future) over stdin
// (an empty pipe), stdout, a preopen directory, a file and fds that are
// not open; the subscription count, and where the arrays lie, are the
// input's too (out of memory, overlapping, wrapping). A clock
// subscription of 1 ms is always appended when the input's are all in
// range, so a call never waits on the pipe alone. The property: no panic,
// no host error, an answer within seconds, and on success at most one
// event per subscription, each for a subscription's userdata.
func FuzzPoll(f *testing.F) {
	f.Add(uint32(2), uint32(0), uint32(0), []byte("\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(uint32(3), uint32(1), uint32(64), []byte("\x02\x00\x00\x00\x00\x00\x00\x00\x02\x01\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00"))
	f.Add(uint32(0xffffffff), uint32(0), uint32(0), []byte{})
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644)
	f.Fuzz(func(t *testing.T, n, inOff, outOff uint32, data []byte) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer pr.Close()
		defer pw.Close()
		h := newHarness(t, Config{Stdin: pr, Stdout: pw, Preopens: []Preopen{{HostPath: dir, GuestPath: "d"}}})
		file, e := h.open(3, false, "f", 0, rightFdRead|rightPollFdReadwrite|rightFdWrite, 0, 0)
		if e != ErrnoSuccess {
			t.Fatalf("open: %d", e)
		}
		const max = 64
		count := n
		inRange := n <= max
		if inRange {
			count = n + 1 // the appended clock
		}
		in := 4096 + inOff%(memSize-4096)
		out := 4096 + outOff%(memSize-4096)
		nev := uint32(memSize - 8)
		if inRange && (uint64(in)+uint64(count)*sizeSubscription > memSize || uint64(out)+uint64(count)*sizeEvent > uint64(nev)) {
			in, out = 4096, 4096+max*sizeSubscription+sizeSubscription
		}
		fds := []uint32{0, 1, 2, 3, file, 99, 0xffffffff}
		if inRange {
			for i := uint32(0); i < count; i++ {
				b := h.mem.b[in+i*sizeSubscription:][:sizeSubscription]
				clear(b)
				binary.LittleEndian.PutUint64(b, uint64(i)+1000)
				var d []byte
				if len(data) >= 16 {
					d, data = data[:16], data[16:]
				} else {
					d = make([]byte, 16)
				}
				if i == n {
					d = []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // 1 ms on the monotonic clock
				}
				b[8] = d[0] % 4 // type (3: none such)
				if d[0]&0x80 != 0 {
					b[8] = d[0] // any byte
				}
				switch b[8] {
				case eventtypeClock:
					binary.LittleEndian.PutUint32(b[16:], uint32(d[1]%5))
					timeout := uint64(binary.LittleEndian.Uint32(d[2:])) % uint64(time.Millisecond)
					if i == n {
						timeout = uint64(time.Millisecond)
					}
					flags := uint16(d[6]) & 3
					if flags&1 != 0 {
						// Absolute: around now on that clock.
						now := uint64(time.Now().UnixNano())
						if d[1]%5 == 1 {
							now = uint64(monoNow())
						}
						timeout += now - uint64(time.Millisecond)
					}
					binary.LittleEndian.PutUint64(b[24:], timeout)
					binary.LittleEndian.PutUint64(b[32:], uint64(binary.LittleEndian.Uint16(d[8:])))
					binary.LittleEndian.PutUint16(b[40:], flags)
				default:
					binary.LittleEndian.PutUint32(b[16:], fds[int(d[1])%len(fds)])
				}
			}
		}
		start := time.Now()
		e = h.call("poll_oneoff", uint64(in), uint64(out), uint64(count), uint64(nev))
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("poll_oneoff of %d subscriptions took %v", count, el)
		}
		if e != ErrnoSuccess {
			return
		}
		got := h.u32(nev)
		if got > count {
			t.Fatalf("%d events for %d subscriptions", got, count)
		}
		for i := uint32(0); i < got; i++ {
			ud := binary.LittleEndian.Uint64(h.mem.b[out+i*sizeEvent:])
			if inRange && (ud < 1000 || ud >= 1000+uint64(count)) {
				t.Fatalf("event %d for userdata %d, not a subscription's", i, ud)
			}
		}
	})
}
