package bench

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// spin is a command whose _start counts a local down from 200,000,000:
// at least 50 ms of CPU at one iteration per cycle at 4 GHz, and next to
// nothing to compile.
//
//	(module (func (export "_start") (local i32)
//	  (local.set 0 (i32.const 200000000))
//	  (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))
var spin = []byte("\x00asm\x01\x00\x00\x00" +
	"\x01\x04\x01\x60\x00\x00" + // type 0: [] -> []
	"\x03\x02\x01\x00" + // func 0: type 0
	"\x07\x0a\x01\x06_start\x00\x00" + // export "_start" func 0
	"\x0a\x1a\x01\x18\x01\x01\x7f" + // code: one body, one i32 local
	"\x41\x80\x84\xaf\xdf\x00\x21\x00" + // i32.const 200000000; local.set 0
	"\x03\x40\x20\x00\x41\x01\x6b\x22\x00\x0d\x00\x0b" + // loop ... br_if 0 end
	"\x0b")

// TestRunOnceCompileCPU: run's record carries compile_cpu_ms, peerbench
// run's field, which scripts/peerlib.py subtracts from the process's CPU
// time; it holds the compilation's CPU time and not the run's.
func TestRunOnceCompileCPU(t *testing.T) {
	c0 := cpuTime()
	r, err := RunOnceBytes("spin", spin, []string{"spin"}, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	total := float64(cpuTime()-c0) / 1e6
	if r.ExitCode != 0 {
		t.Fatalf("exit code %d", r.ExitCode)
	}
	if run := total - r.CompileCPUMs; r.CompileCPUMs <= 0 || run < 40 || r.CompileCPUMs >= run {
		t.Errorf("compile %.3f ms CPU, run %.3f ms CPU: want compile > 0, run >= 40 and more than compile", r.CompileCPUMs, run)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"compile_cpu_ms":`) {
		t.Errorf("no compile_cpu_ms in %s", b)
	}
}
