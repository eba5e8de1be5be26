package main

// #cgo LDFLAGS: -lm -ldl -pthread
// #include "wt.h"
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"

	// Links libwasmtime.a (its cgo LDFLAGS); wt.c calls the C API
	// directly, since the Go binding's values have no v128.
	_ "github.com/bytecodealliance/wasmtime-go/v37"

	"github.com/lucet-go/lucet/internal/wasmgen"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// dtHost runs wasmgen's host function name (wasmgen.HostCall) for wt.c:
// kinds are wasmtime's value kinds of the parameters, then of the
// results; args one word a parameter (two for a v128, low half first),
// results written to res likewise. Returns 1
// when the function traps, 2 when its callee did (wt.c's pending trap).
//
//export dtHost
func dtHost(caller unsafe.Pointer, name *C.char, nameLen C.int, kinds *C.uint8_t, np, nr C.int, args, res *C.uint64_t) C.int {
	k := unsafe.Slice((*uint8)(unsafe.Pointer(kinds)), int(np+nr))
	ft := wasm.FuncType{}
	for i, kind := range k {
		if i < int(np) {
			ft.Params = append(ft.Params, wtKindType[kind])
		} else {
			ft.Results = append(ft.Results, wtKindType[kind])
		}
	}
	f, ok := hostFunc(wasmgen.HostModule, C.GoStringN(name, nameLen), ft)
	if !ok {
		return 1
	}
	a := unsafe.Slice((*uint64)(unsafe.Pointer(args)), 2*int(np)+1)
	callee, ok := wtCallee(caller, f.Name)
	if !ok {
		return 1
	}
	out, err := wasmgen.HostCall(f, a, callee)
	if err == errCalleeTrap {
		return 2
	}
	if err != nil {
		return 1
	}
	copy(unsafe.Slice((*uint64)(unsafe.Pointer(res)), 2*int(nr)+1), out)
	return 0
}

// errCalleeTrap is a callback's callee's trap in wasmtime (wt.c's
// pending).
var errCalleeTrap = errors.New("callee trapped")

// wtCallee is the callee of wasmgen callback import name (nil if it is
// not one), called through wt.c's dt_callback; false if the module has
// no such export.
func wtCallee(caller unsafe.Pointer, name string) (*wasmgen.Callee, bool) {
	exp := wasmgen.CalleeName(name)
	if exp == "" {
		return nil, true
	}
	f, ok := exportFunc(curModule, exp)
	if !ok {
		return nil, false
	}
	return &wasmgen.Callee{Func: f, Call: func(args []uint64) ([]uint64, error) {
		kinds := make([]C.uint8_t, len(f.Params)+1)
		for i, p := range f.Params {
			kinds[i] = wtKind(wasm.ValType(p))
		}
		a := make([]C.uint64_t, len(args)+1)
		for i, v := range args {
			a[i] = C.uint64_t(v)
		}
		r := make([]C.uint64_t, len(f.Results)+1)
		n, nl := cstr(exp)
		if C.dt_callback(caller, n, nl, &kinds[0], &a[0], C.int(len(args)), &r[0], C.int(len(f.Results))) != 0 {
			return nil, errCalleeTrap
		}
		res := make([]uint64, len(f.Results))
		for i := range res {
			res[i] = uint64(r[i])
		}
		return res, nil
	}}, true
}

var wtOnce sync.Once

// wtInit makes the engine and starts the epoch ticker that bounds calls.
func wtInit() {
	wtOnce.Do(func() {
		if C.dt_init() == 0 {
			panic("wasmtime engine")
		}
		go func() {
			for range time.Tick(10 * time.Millisecond) {
				C.dt_tick()
			}
		}()
	})
}

// wtTraps maps wasmtime's trap codes (wasmtime/trap.h) to lucet's.
var wtTraps = [...]abi.TrapCode{
	0:  abi.TrapStackOverflow,
	1:  abi.TrapMemoryOutOfBounds,
	3:  abi.TrapTableOutOfBounds,
	4:  abi.TrapIndirectCallToNull,
	5:  abi.TrapBadSignature,
	6:  abi.TrapIntegerOverflow,
	7:  abi.TrapIntegerDivideByZero,
	8:  abi.TrapInvalidConversion,
	9:  abi.TrapUnreachable,
	10: abi.TrapInterrupt,
}

func wtTrap(code C.int) string {
	if code == -2 {
		return hostTrap
	}
	if code >= 0 && int(code) < len(wtTraps) && (wtTraps[code] != 0 || code == 0) {
		return wtTraps[code].String()
	}
	return fmt.Sprintf("wasmtime-code-%d", int(code))
}

// wtKind is wasmtime's valkind for a value type.
func wtKind(t wasm.ValType) C.uint8_t {
	switch t {
	case wasm.I32:
		return 0
	case wasm.I64:
		return 1
	case wasm.F32:
		return 2
	case wasm.F64:
		return 3
	case wasm.V128:
		return 4
	case wasm.FuncRef:
		return 5
	case wasm.ExternRef:
		return 6
	}
	panic("value type")
}

// wtKindType inverts wtKind (for log entries).
var wtKindType = [...]wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef}

type wtInstance struct{ d *C.dt_inst }

// wtNew instantiates; on failure stage is "compile", "link" or "start".
func wtNew(b []byte, memPages, tableElems int64) (*wtInstance, string, error) {
	wtInit()
	var stage, code C.int
	var msg [512]C.char
	d := C.dt_new((*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(append(b[:len(b):len(b)], 0)))), C.size_t(len(b)), C.int64_t(memPages*wasm.PageSize), C.int64_t(tableElems),
		&stage, &code, &msg[0], C.int(len(msg)))
	if d == nil {
		s := [...]string{1: "compile", 2: "link", 3: "start"}[stage]
		m := C.GoString(&msg[0])
		if stage == 3 {
			m = wtTrap(code)
		}
		return nil, s, fmt.Errorf("%s", m)
	}
	return &wtInstance{d}, "", nil
}

func (w *wtInstance) close() { C.dt_free(w.d) }

func cstr(s string) (*C.char, C.size_t) {
	b := append([]byte(s), 0)
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(s))
}

// call runs export name; args and results are two words per value.
func (w *wtInstance) call(name string, ft wasm.FuncType, args []uint64, timeout time.Duration) outcome {
	kinds := make([]C.uint8_t, len(ft.Params)+1)
	for i, p := range ft.Params {
		kinds[i] = wtKind(p)
	}
	a := make([]C.uint64_t, 2*len(ft.Params)+2)
	for i := range args {
		a[i] = C.uint64_t(args[i])
	}
	res := make([]C.uint64_t, 2*len(ft.Results)+2)
	rk := make([]C.uint8_t, len(ft.Results)+1)
	var code C.int
	var off C.int64_t
	var msg [512]C.char
	n, nl := cstr(name)
	C.dt_log_reset()
	ticks := C.uint64_t(timeout / (10 * time.Millisecond))
	r := C.dt_call(w.d, n, nl, &kinds[0], &a[0], C.int(len(ft.Params)), &res[0], &rk[0], C.int(len(ft.Results)), ticks, &code, &off, &msg[0], C.int(len(msg)))
	o := outcome{log: wtLog()}
	switch r {
	case 0:
		for i, t := range ft.Results {
			o.results = append(o.results, value{t, uint64(res[2*i]), uint64(res[2*i+1])})
		}
	case 1:
		o.trap = wtTrap(code)
		o.offset = int64(off)
	default:
		o.trap = "error: " + C.GoString(&msg[0])
	}
	return o
}

func wtLog() []value {
	n := int(C.dt_log_len())
	l := make([]value, n)
	for i := range l {
		var k C.uint8_t
		var lo, hi C.uint64_t
		C.dt_log_get(C.int(i), &k, &lo, &hi)
		l[i] = value{wtKindType[k], uint64(lo), uint64(hi)}
	}
	return l
}

func (w *wtInstance) memory(name string) ([]byte, bool) {
	n, nl := cstr(name)
	var p *C.uint8_t
	var l C.size_t
	if C.dt_memory(w.d, n, nl, &p, &l) == 0 {
		return nil, false
	}
	if l == 0 {
		return []byte{}, true
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(l)), true
}

func (w *wtInstance) global(name string, t wasm.ValType) (value, bool) {
	n, nl := cstr(name)
	var lo, hi C.uint64_t
	if C.dt_global(w.d, n, nl, &lo, &hi) == 0 {
		return value{}, false
	}
	return value{t, uint64(lo), uint64(hi)}, true
}
