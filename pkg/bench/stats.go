package bench

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Summary describes a sample of durations in microseconds, with
// peerbench's fields and quantiles (linear interpolation).
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Mean   float64 `json:"mean"`
	P90    float64 `json:"p90"`
	P99    float64 `json:"p99"`
	Max    float64 `json:"max"`
}

// Summarize sorts d and summarizes it in microseconds.
func Summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	s := make([]float64, len(d))
	sum := 0.0
	for i, x := range d {
		s[i] = float64(x) / 1e3
		sum += s[i]
	}
	return Summary{
		N: len(s), Min: s[0], Max: s[len(s)-1], Mean: sum / float64(len(s)),
		Median: quantile(s, 0.5), P90: quantile(s, 0.9), P99: quantile(s, 0.99),
	}
}

// quantile of sorted s, interpolated between the neighbouring samples.
func quantile(s []float64, q float64) float64 {
	if len(s) == 1 {
		return s[0]
	}
	pos := q * float64(len(s)-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// ProcMem is a snapshot of the process: resident and virtual size from
// /proc/self/status, mappings counted in /proc/self/maps (vm.max_map_count
// bounds them), open file descriptors, and the Go heap.
type ProcMem struct {
	RSSKiB    int64
	VMKiB     int64
	Maps      int
	FDs       int
	HeapAlloc uint64
}

// Settle collects garbage and returns freed memory to the OS, so that a
// following ReadProcMem counts live objects only.
func Settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

// ReadProcMem reads the process's figures now. The Go heap and the
// resident size are read first and the mappings counted through a small
// fixed buffer, so that reading /proc/self/maps (megabytes with tens of
// thousands of mappings) does not count itself.
func ReadProcMem() ProcMem {
	var m ProcMem
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapAlloc = ms.HeapAlloc
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			name, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			f := strings.Fields(v)
			if len(f) == 0 {
				continue
			}
			n, _ := strconv.ParseInt(f[0], 10, 64)
			switch name {
			case "VmRSS":
				m.RSSKiB = n
			case "VmSize":
				m.VMKiB = n
			}
		}
	}
	m.Maps = countLines("/proc/self/maps")
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		m.FDs = len(ents)
	}
	return m
}

// countLines counts the lines of a file through a fixed buffer (-1 if it
// cannot be read).
func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	var buf [64 << 10]byte
	n := 0
	for {
		k, err := f.Read(buf[:])
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			return n
		}
	}
}
