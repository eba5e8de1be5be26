package validate

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// unknown is the bottom type: an operand conjured by stack polymorphism in
// unreachable code. It matches every type.
const unknown wasm.ValType = 0

// ctrl is one entry of the control stack.
type ctrl struct {
	op          wasm.Opcode // OpBlock (also the function itself), OpLoop, OpIf, or OpElse once an if reached its else
	params      []wasm.ValType
	results     []wasm.ValType
	height      int // operand stack height at entry
	unreachable bool
}

func (c *ctrl) labelTypes() []wasm.ValType {
	if c.op == wasm.OpLoop {
		return c.params
	}
	return c.results
}

// localRun is a run of locals of one type ending (exclusive) at end; used
// instead of an expanded slice when a function declares very many locals.
type localRun struct {
	end uint64
	t   wasm.ValType
}

// maxExpandedLocals bounds the per-function local type slice; beyond it
// local types are found by binary search so a hostile local count cannot
// make us allocate gigabytes.
const maxExpandedLocals = 1 << 16

// funcValidator checks function bodies one at a time, reusing its stacks.
type funcValidator struct {
	mv *moduleValidator
	m  *wasm.Module
	r  wasm.Reader

	vals  []wasm.ValType
	ctrls []ctrl

	// height and unreach mirror the top control frame, for the hot pop path.
	height  int
	unreach bool

	locals    []wasm.ValType
	runs      []localRun
	numLocals uint64
	expanded  bool

	code    []byte // the current body
	endPos  int    // where the function's own end stopped
	funcIdx int
	base    int // BodyOffset of the current body
	off     int // offset in the body of the current instruction
	fi      *FuncInfo
}

// maxPooledStack is the largest stack capacity a pooled validator keeps.
const maxPooledStack = 1 << 16

var validatorPool = sync.Pool{New: func() any { return new(funcValidator) }}

func getFuncValidator(mv *moduleValidator) *funcValidator {
	fv := validatorPool.Get().(*funcValidator)
	fv.mv, fv.m = mv, mv.m
	return fv
}

func putFuncValidator(fv *funcValidator) {
	fv.mv, fv.m, fv.fi, fv.code = nil, nil, nil, nil
	fv.r.Reset(nil)
	// Don't let one pathological function pin big stacks in the pool.
	if cap(fv.vals) > maxPooledStack || cap(fv.ctrls) > maxPooledStack || cap(fv.runs) > maxPooledStack {
		return
	}
	validatorPool.Put(fv)
}

// errDone stops the body loop at the function's own end.
var errDone = errors.New("end of function")

// singleType[t] is a one-element result list [t], so block types need no
// allocation. It is built on first use (no start-up work).
var singleType = lazy.Value[*[256][1]wasm.ValType]{New: func() *[256][1]wasm.ValType {
	var s [256][1]wasm.ValType
	for i := range s {
		s[i][0] = wasm.ValType(i)
	}
	return &s
}}

func (fv *funcValidator) errf(format string, args ...any) *Error {
	idx := uint32(fv.funcIdx)
	return &Error{
		Offset:   fv.base + fv.off,
		Func:     fv.funcIdx,
		FuncName: fv.m.FuncName(idx),
		Msg:      fmt.Sprintf(format, args...),
	}
}

func typeName(t wasm.ValType) string {
	if t == unknown {
		return "any"
	}
	return t.String()
}

func (fv *funcValidator) mismatch(want, got wasm.ValType) *Error {
	return fv.errf("type mismatch: expected %s, found %s", typeName(want), typeName(got))
}

func (fv *funcValidator) push(t wasm.ValType) {
	fv.vals = append(fv.vals, t)
	if len(fv.vals) > fv.fi.MaxStack {
		fv.fi.MaxStack = len(fv.vals)
	}
}

func (fv *funcValidator) pushVals(ts []wasm.ValType) {
	for _, t := range ts {
		fv.push(t)
	}
}

func (fv *funcValidator) pop(want wasm.ValType) error {
	if n := len(fv.vals); n > fv.height {
		if t := fv.vals[n-1]; t == want || t == unknown {
			fv.vals = fv.vals[:n-1]
			return nil
		}
	}
	return fv.popSlow(want)
}

// popSlow is pop's rare path, kept out of line so pop inlines.
func (fv *funcValidator) popSlow(want wasm.ValType) error {
	if n := len(fv.vals); n > fv.height {
		t := fv.vals[n-1]
		fv.vals = fv.vals[:n-1]
		return fv.mismatch(want, t)
	}
	if fv.unreach {
		return nil
	}
	return fv.errf("type mismatch: expected %s, found nothing", typeName(want))
}

// popAny pops an operand of any type; it returns unknown in unreachable
// code when the frame's operands are exhausted.
func (fv *funcValidator) popAny() (wasm.ValType, error) {
	if n := len(fv.vals); n > fv.height {
		t := fv.vals[n-1]
		fv.vals = fv.vals[:n-1]
		return t, nil
	}
	if fv.unreach {
		return unknown, nil
	}
	return 0, fv.errf("type mismatch: expected a value, found nothing")
}

func (fv *funcValidator) popVals(ts []wasm.ValType) error {
	for i := len(ts) - 1; i >= 0; i-- {
		if err := fv.pop(ts[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkTop checks that the operands on top of the stack match ts without
// popping them. It stands for the spec's push_vals(pop_vals(ts)), which
// only differs in unreachable code, where it is immediately followed by
// unreachable() anyway.
func (fv *funcValidator) checkTop(ts []wasm.ValType) error {
	j := len(fv.vals) - 1
	for i := len(ts) - 1; i >= 0; i, j = i-1, j-1 {
		if j < fv.height {
			if fv.unreach {
				return nil
			}
			return fv.errf("type mismatch: expected %s, found nothing", typeName(ts[i]))
		}
		if t := fv.vals[j]; t != ts[i] && t != unknown {
			return fv.mismatch(ts[i], t)
		}
	}
	return nil
}

func (fv *funcValidator) pushCtrl(op wasm.Opcode, params, results []wasm.ValType) {
	if len(fv.ctrls) == cap(fv.ctrls) {
		// Doubling: append grows a big slice by 1.25x, which for deep
		// nesting allocates about five times the final size in all, and
		// an amount that does not double with the depth.
		fv.ctrls = append(make([]ctrl, 0, 2*cap(fv.ctrls)+8), fv.ctrls...)
	}
	fv.ctrls = append(fv.ctrls, ctrl{op: op, params: params, results: results, height: len(fv.vals)})
	fv.height, fv.unreach = len(fv.vals), false
	if len(fv.ctrls) > fv.fi.MaxDepth {
		fv.fi.MaxDepth = len(fv.ctrls)
	}
	fv.pushVals(params)
}

// popCtrl ends the top frame and returns it. The frame stays valid until
// the next pushCtrl reuses its slot.
func (fv *funcValidator) popCtrl() (*ctrl, error) {
	f := &fv.ctrls[len(fv.ctrls)-1]
	if err := fv.popVals(f.results); err != nil {
		return f, err
	}
	if len(fv.vals) != f.height {
		return f, fv.errf("type mismatch: %d values remain at end of block", len(fv.vals)-f.height)
	}
	fv.ctrls = fv.ctrls[:len(fv.ctrls)-1]
	if n := len(fv.ctrls); n > 0 {
		fv.height, fv.unreach = fv.ctrls[n-1].height, fv.ctrls[n-1].unreachable
	}
	return f, nil
}

func (fv *funcValidator) setUnreachable() {
	f := &fv.ctrls[len(fv.ctrls)-1]
	fv.vals = fv.vals[:f.height]
	f.unreachable = true
	fv.unreach = true
}

func (fv *funcValidator) label(l uint32) (*ctrl, error) {
	if uint64(l) >= uint64(len(fv.ctrls)) {
		return nil, fv.errf("unknown label %d", l)
	}
	return &fv.ctrls[len(fv.ctrls)-1-int(l)], nil
}

func (fv *funcValidator) blockSig(bt wasm.BlockType) (params, results []wasm.ValType, err error) {
	switch bt.Kind {
	case wasm.BlockEmpty:
		return nil, nil, nil
	case wasm.BlockValue:
		return nil, singleType.Get()[bt.Value][:], nil
	}
	if uint64(bt.Index) >= uint64(len(fv.m.Types)) {
		return nil, nil, fv.errf("unknown type %d", bt.Index)
	}
	ft := &fv.m.Types[bt.Index]
	return ft.Params, ft.Results, nil
}

func (fv *funcValidator) setupLocals(ft *wasm.FuncType, code *wasm.Code) error {
	var total uint64 = uint64(len(ft.Params))
	for _, e := range code.Locals {
		if !validValType(e.Type) {
			return fv.errf("malformed value type 0x%02x", byte(e.Type))
		}
		total += uint64(e.Count)
	}
	fv.numLocals = total
	fv.fi.NumLocals = int(total)
	// Expanded only while that costs about what reading the body does: a
	// function declaring far more locals than its code can touch would
	// otherwise cost the validator time in proportion to the declaration.
	if total <= maxExpandedLocals && total <= uint64(len(code.Body))+256 {
		fv.expanded = true
		fv.locals = append(fv.locals[:0], ft.Params...)
		for _, e := range code.Locals {
			for i := uint32(0); i < e.Count; i++ {
				fv.locals = append(fv.locals, e.Type)
			}
		}
		return nil
	}
	fv.expanded = false
	fv.runs = fv.runs[:0]
	var end uint64
	for _, p := range ft.Params {
		end++
		fv.runs = append(fv.runs, localRun{end, p})
	}
	for _, e := range code.Locals {
		if e.Count == 0 {
			continue
		}
		end += uint64(e.Count)
		fv.runs = append(fv.runs, localRun{end, e.Type})
	}
	return nil
}

func (fv *funcValidator) local(idx uint32) (wasm.ValType, error) {
	if uint64(idx) >= fv.numLocals {
		return 0, fv.errf("unknown local %d", idx)
	}
	if fv.expanded {
		return fv.locals[idx], nil
	}
	i := sort.Search(len(fv.runs), func(i int) bool { return fv.runs[i].end > uint64(idx) })
	return fv.runs[i].t, nil
}

func (fv *funcValidator) needMem() error {
	fv.fi.UsesMemory = true
	if fv.m.NumMems() == 0 {
		return fv.errf("unknown memory 0")
	}
	return nil
}

// memarg checks the memory exists and align is at most natural (log2 of
// size in bytes).
func (fv *funcValidator) memarg(align uint32, size uint8) error {
	if err := fv.needMem(); err != nil {
		return err
	}
	if align >= 8 || 1<<align > uint32(size) {
		return fv.errf("alignment must not be larger than natural")
	}
	return nil
}

func (fv *funcValidator) table(idx uint32) (wasm.ValType, error) {
	fv.fi.UsesTables = true
	if idx >= uint32(len(fv.mv.tableElems)) {
		return 0, fv.errf("unknown table %d", idx)
	}
	return fv.mv.tableElems[idx], nil
}

func (fv *funcValidator) elem(idx uint32) (wasm.ValType, error) {
	if uint64(idx) >= uint64(len(fv.m.Elems)) {
		return 0, fv.errf("unknown elem segment %d", idx)
	}
	return fv.m.Elems[idx].Type, nil
}

func (fv *funcValidator) data(idx uint32) error {
	fv.fi.UsesMemory = true
	if !fv.m.HasDataCount {
		// Without the section the binary is malformed; but when the index
		// could not name a segment anyway, say that, as the spec
		// interpreter does for text modules (which wast2json emits with
		// no data count section when there is no data).
		if uint64(idx) >= uint64(len(fv.m.Datas)) {
			return fv.errf("unknown data segment %d", idx)
		}
		return fv.errf("data count section required")
	}
	if idx >= fv.m.DataCount {
		return fv.errf("unknown data segment %d", idx)
	}
	return nil
}

// check validates defined function i (not counting imports) and fills fi.
func (fv *funcValidator) check(i int, fi *FuncInfo) error {
	m := fv.m
	code := &m.Codes[i]
	ft := &m.Types[m.Funcs[i]]
	*fi = FuncInfo{}
	fv.fi = fi
	fv.funcIdx = int(m.NumImportedFuncs) + i
	fv.base = code.BodyOffset
	fv.off = 0
	if err := fv.setupLocals(ft, code); err != nil {
		return err
	}
	for _, t := range ft.Params {
		if t == wasm.V128 {
			fi.UsesSIMD = true
		}
	}
	for _, e := range code.Locals {
		if e.Type == wasm.V128 {
			fi.UsesSIMD = true
		}
	}
	for _, t := range ft.Results {
		if t == wasm.V128 {
			fi.UsesSIMD = true
		}
	}
	fv.vals = fv.vals[:0]
	fv.ctrls = fv.ctrls[:0]
	fv.pushCtrl(wasm.OpBlock, nil, ft.Results)
	fv.r.Reset(code.Body)
	fv.code = code.Body
	if err := fv.body(); err != nil && err != errDone {
		return err
	}
	if fv.endPos != len(code.Body) {
		fv.off = fv.endPos
		return fv.errf("operators remaining after end of function")
	}
	return nil
}

// body runs until the function's own end.
//
// The most frequent instructions (numeric ops, constants, locals,
// globals, branches, calls, plain loads and stores, block and end) are
// recognized straight from the bytes: going through Reader.Next copies a
// ~100-byte Instr per instruction, which dominated the profile. Anything
// else, and any immediate the fast path is unsure about, goes through
// Reader.Next, which also produces the precise malformed-code errors.
func (fv *funcValidator) body() error {
	fi := fv.fi
	r := &fv.r
	b := fv.code
	sigs := numSigs.Get()
	pos := 0
	for {
		if pos >= len(b) {
			fv.off = pos
			return fv.errf("END opcode expected")
		}
		c := b[pos]
		fv.off = pos
		fi.NumInstrs++

		if s := &sigs[c]; s.ok {
			if s.n != 0 {
				pos++
				if s.n == 2 {
					if err := fv.pop(s.p2); err != nil {
						return err
					}
				}
				if err := fv.pop(s.p1); err != nil {
					return err
				}
				fv.push(s.r)
				continue
			}
			if n := constLen(b[pos+1:], c); n > 0 {
				pos += 1 + n
				fv.push(s.r)
				continue
			}
		} else {
			switch wasm.Opcode(c) {
			case wasm.OpLocalGet:
				// A fifth of real code; worth skipping the generic path.
				if pos+1 < len(b) && b[pos+1] < 0x80 && uint64(b[pos+1]) < uint64(len(fv.locals)) && fv.expanded {
					fv.push(fv.locals[b[pos+1]])
					pos += 2
					continue
				}
				if idx, n, err := wasm.ReadU32(b[pos+1:]); err == nil {
					pos += 1 + n
					if err := fv.indexOp(wasm.Opcode(c), idx); err != nil {
						return err
					}
					continue
				}
			case wasm.OpLocalSet, wasm.OpLocalTee, wasm.OpGlobalGet, wasm.OpGlobalSet,
				wasm.OpBr, wasm.OpBrIf, wasm.OpCall:
				if idx, n, err := wasm.ReadU32(b[pos+1:]); err == nil {
					pos += 1 + n
					if err := fv.indexOp(wasm.Opcode(c), idx); err != nil {
						return err
					}
					continue
				}
			case wasm.OpEnd:
				pos++
				done, err := fv.end()
				if err != nil || done {
					fv.endPos = pos
					return err
				}
				continue
			case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
				if pos+1 < len(b) {
					var bt wasm.BlockType
					switch t := b[pos+1]; wasm.ValType(t) {
					case 0x40:
						bt.Kind = wasm.BlockEmpty
					case wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
						bt.Kind, bt.Value = wasm.BlockValue, wasm.ValType(t)
					default:
						goto slow
					}
					pos += 2
					if err := fv.blockOp(wasm.Opcode(c), bt); err != nil {
						return err
					}
					continue
				}
			default:
				if c >= byte(wasm.OpI32Load) && c <= byte(wasm.OpI64Store32) {
					align, n1, err1 := wasm.ReadU32(b[pos+1:])
					if err1 == nil {
						if _, n2, err2 := wasm.ReadU32(b[pos+1+n1:]); err2 == nil {
							pos += 1 + n1 + n2
							if err := fv.memOp(wasm.Opcode(c), align); err != nil {
								return err
							}
							continue
						}
					}
				}
			}
		}

	slow:
		r.SetPos(pos)
		in, err := r.Next()
		pos = r.Pos()
		if err != nil {
			return fv.errf("%v", err)
		}
		if err := fv.instr(&in); err != nil {
			return err
		}
	}
}

// constLen is the length of the immediate of constant instruction c at
// the start of b when it is certainly well formed, else 0 (the slow path
// then decodes it and reports what is wrong).
func constLen(b []byte, c byte) int {
	switch wasm.Opcode(c) {
	case wasm.OpF32Const:
		if len(b) >= 4 {
			return 4
		}
		return 0
	case wasm.OpF64Const:
		if len(b) >= 8 {
			return 8
		}
		return 0
	}
	// A signed LEB128 shorter than the maximum length cannot be too long
	// or too large: 4 bytes carry 28 bits, 9 bytes 63.
	limit := 4
	if wasm.Opcode(c) == wasm.OpI64Const {
		limit = 9
	}
	for i := 0; i < limit && i < len(b); i++ {
		if b[i]&0x80 == 0 {
			return i + 1
		}
	}
	return 0
}

// indexOp handles the instructions whose only immediate is one index.
func (fv *funcValidator) indexOp(op wasm.Opcode, idx uint32) error {
	switch op {
	case wasm.OpLocalGet:
		t, err := fv.local(idx)
		if err != nil {
			return err
		}
		fv.push(t)
	case wasm.OpLocalSet:
		t, err := fv.local(idx)
		if err != nil {
			return err
		}
		return fv.pop(t)
	case wasm.OpLocalTee:
		t, err := fv.local(idx)
		if err != nil {
			return err
		}
		if err := fv.pop(t); err != nil {
			return err
		}
		fv.push(t)
	case wasm.OpGlobalGet:
		fv.fi.UsesGlobals = true
		if idx >= uint32(len(fv.mv.globalTypes)) {
			return fv.errf("unknown global %d", idx)
		}
		fv.push(fv.mv.globalTypes[idx].Type)
	case wasm.OpGlobalSet:
		fv.fi.UsesGlobals = true
		if idx >= uint32(len(fv.mv.globalTypes)) {
			return fv.errf("unknown global %d", idx)
		}
		gt := fv.mv.globalTypes[idx]
		if !gt.Mutable {
			return fv.errf("global is immutable: global.set %d", idx)
		}
		return fv.pop(gt.Type)
	case wasm.OpBr:
		l, err := fv.label(idx)
		if err != nil {
			return err
		}
		if err := fv.popVals(l.labelTypes()); err != nil {
			return err
		}
		fv.setUnreachable()
	case wasm.OpBrIf:
		l, err := fv.label(idx)
		if err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		ts := l.labelTypes()
		if err := fv.popVals(ts); err != nil {
			return err
		}
		fv.pushVals(ts)
	case wasm.OpCall:
		fv.fi.HasCalls = true
		if idx >= uint32(len(fv.mv.funcTypes)) {
			return fv.errf("unknown function %d", idx)
		}
		ft := &fv.m.Types[fv.mv.funcTypes[idx]]
		if err := fv.popVals(ft.Params); err != nil {
			return err
		}
		fv.pushVals(ft.Results)
	}
	return nil
}

// memOp handles the scalar loads and stores.
func (fv *funcValidator) memOp(op wasm.Opcode, align uint32) error {
	ma, _ := wasm.ScalarAccess(op)
	if err := fv.memarg(align, ma.Size); err != nil {
		return err
	}
	if ma.Store {
		if err := fv.pop(ma.Type); err != nil {
			return err
		}
		return fv.pop(wasm.I32)
	}
	if err := fv.pop(wasm.I32); err != nil {
		return err
	}
	fv.push(ma.Type)
	return nil
}

func (fv *funcValidator) blockOp(op wasm.Opcode, bt wasm.BlockType) error {
	params, results, err := fv.blockSig(bt)
	if err != nil {
		return err
	}
	if op == wasm.OpIf {
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
	}
	if err := fv.popVals(params); err != nil {
		return err
	}
	if op == wasm.OpLoop {
		fv.fi.HasLoops = true
	}
	fv.pushCtrl(op, params, results)
	return nil
}

// end closes the innermost frame; done reports the function's own end.
func (fv *funcValidator) end() (done bool, err error) {
	f, err := fv.popCtrl()
	if err != nil {
		return false, err
	}
	if f.op == wasm.OpIf && !sameTypes(f.params, f.results) {
		// The missing else passes the params through unchanged.
		return false, fv.errf("type mismatch: if without else must have matching param and result types")
	}
	if len(fv.ctrls) == 0 {
		return true, nil
	}
	fv.pushVals(f.results)
	return false, nil
}

// instr handles one instruction decoded by the Reader.
func (fv *funcValidator) instr(in *wasm.Instr) error {
	m := fv.m
	fi := fv.fi
	op := in.Op
	if op < 256 {
		if s := &numSigs.Get()[op]; s.ok {
			if s.n == 2 {
				if err := fv.pop(s.p2); err != nil {
					return err
				}
			}
			if s.n != 0 {
				if err := fv.pop(s.p1); err != nil {
					return err
				}
			}
			fv.push(s.r)
			return nil
		}
	}
	switch op {
	case wasm.OpUnreachable:
		fv.setUnreachable()
	case wasm.OpNop:
	case wasm.OpBlock, wasm.OpLoop, wasm.OpIf:
		return fv.blockOp(op, in.Block)
	case wasm.OpElse:
		if fv.ctrls[len(fv.ctrls)-1].op != wasm.OpIf {
			return fv.errf("else without matching if")
		}
		f, err := fv.popCtrl()
		if err != nil {
			return err
		}
		fv.pushCtrl(wasm.OpElse, f.params, f.results)
	case wasm.OpEnd:
		// The fast path always takes end; this is only for completeness.
		done, err := fv.end()
		if err == nil && done {
			fv.endPos = fv.r.Pos()
			return errDone
		}
		return err
	case wasm.OpLocalGet, wasm.OpLocalSet, wasm.OpLocalTee, wasm.OpGlobalGet, wasm.OpGlobalSet,
		wasm.OpBr, wasm.OpBrIf, wasm.OpCall:
		return fv.indexOp(op, in.Index)
	case wasm.OpBrTable:
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		def, err := fv.label(in.Index)
		if err != nil {
			return err
		}
		arity := len(def.labelTypes())
		// A list of label types is checked against the stack once: the
		// labels of one block type share it, and a table of T entries at
		// labels taking A values each cost T×A, out of proportion to its
		// T bytes (400,000 entries at labels of 1,000 results, 0.4 MB:
		// 0.2 s). Short lists are cheaper to check again than to look up.
		var last *wasm.ValType
		var checked map[*wasm.ValType]bool
		for _, t := range in.Targets {
			l, err := fv.label(t)
			if err != nil {
				return err
			}
			ts := l.labelTypes()
			if len(ts) != arity {
				return fv.errf("type mismatch: br_table targets have different arities")
			}
			if arity > 4 {
				k := &ts[0]
				if k == last || checked[k] {
					continue
				}
				if checked == nil {
					checked = map[*wasm.ValType]bool{}
				}
				checked[k], last = true, k
			}
			if err := fv.checkTop(ts); err != nil {
				return err
			}
		}
		if err := fv.popVals(def.labelTypes()); err != nil {
			return err
		}
		fv.setUnreachable()
	case wasm.OpReturn:
		if err := fv.popVals(fv.ctrls[0].results); err != nil {
			return err
		}
		fv.setUnreachable()
	case wasm.OpCallIndirect:
		fi.HasCalls, fi.HasIndirectCalls = true, true
		et, err := fv.table(in.Index2)
		if err != nil {
			return err
		}
		if et != wasm.FuncRef {
			return fv.errf("type mismatch: call_indirect on a table of %s", et)
		}
		if uint64(in.Index) >= uint64(len(m.Types)) {
			return fv.errf("unknown type %d", in.Index)
		}
		ft := &m.Types[in.Index]
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		if err := fv.popVals(ft.Params); err != nil {
			return err
		}
		fv.pushVals(ft.Results)
	case wasm.OpDrop:
		if _, err := fv.popAny(); err != nil {
			return err
		}
	case wasm.OpSelect:
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		t1, err := fv.popAny()
		if err != nil {
			return err
		}
		t2, err := fv.popAny()
		if err != nil {
			return err
		}
		if t1.IsRef() || t2.IsRef() {
			return fv.errf("type mismatch: select without a type needs numeric or vector operands")
		}
		if t1 != t2 && t1 != unknown && t2 != unknown {
			return fv.errf("type mismatch: select operands %s and %s", typeName(t2), typeName(t1))
		}
		if t1 == unknown {
			t1 = t2
		}
		fv.push(t1)
	case wasm.OpSelectT:
		if in.NumTypes != 1 {
			return fv.errf("invalid result arity")
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		if err := fv.pop(in.Type); err != nil {
			return err
		}
		if err := fv.pop(in.Type); err != nil {
			return err
		}
		fv.push(in.Type)
	case wasm.OpTableGet:
		et, err := fv.table(in.Index)
		if err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		fv.push(et)
	case wasm.OpTableSet:
		fv.fi.WritesTables = true
		et, err := fv.table(in.Index)
		if err != nil {
			return err
		}
		if err := fv.pop(et); err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
	case wasm.OpMemorySize:
		if err := fv.needMem(); err != nil {
			return err
		}
		fv.push(wasm.I32)
	case wasm.OpMemoryGrow:
		fi.GrowsMemory = true
		if err := fv.needMem(); err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		fv.push(wasm.I32)
	case wasm.OpRefNull:
		fv.push(in.Type)
	case wasm.OpRefIsNull:
		t, err := fv.popAny()
		if err != nil {
			return err
		}
		if t != unknown && !t.IsRef() {
			return fv.errf("type mismatch: expected a reference, found %s", t)
		}
		fv.push(wasm.I32)
	case wasm.OpRefFunc:
		if in.Index >= uint32(len(fv.mv.funcTypes)) {
			return fv.errf("unknown function %d", in.Index)
		}
		if !fv.mv.refs[in.Index] {
			return fv.errf("undeclared function reference %d", in.Index)
		}
		fv.push(wasm.FuncRef)
	default:
		return fv.other(in)
	}
	return nil
}

// other handles memory accesses and the prefixed instructions.
func (fv *funcValidator) other(in *wasm.Instr) error {
	op := in.Op
	if op >= wasm.OpI32Load && op <= wasm.OpI64Store32 {
		return fv.memOp(op, in.MemAlign)
	}
	switch op >> 16 {
	case wasm.PrefixFC:
		return fv.prefixFC(in)
	case wasm.PrefixFD:
		return fv.simd(in)
	}
	return fv.errf("illegal opcode %s", op)
}

func (fv *funcValidator) pop3I32() error {
	for i := 0; i < 3; i++ {
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
	}
	return nil
}

func (fv *funcValidator) prefixFC(in *wasm.Instr) error {
	switch in.Op {
	case wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF32U:
		return fv.unop(wasm.F32, wasm.I32)
	case wasm.OpI32TruncSatF64S, wasm.OpI32TruncSatF64U:
		return fv.unop(wasm.F64, wasm.I32)
	case wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF32U:
		return fv.unop(wasm.F32, wasm.I64)
	case wasm.OpI64TruncSatF64S, wasm.OpI64TruncSatF64U:
		return fv.unop(wasm.F64, wasm.I64)
	case wasm.OpMemoryInit:
		if err := fv.needMem(); err != nil {
			return err
		}
		if err := fv.data(in.Index); err != nil {
			return err
		}
		return fv.pop3I32()
	case wasm.OpDataDrop:
		return fv.data(in.Index)
	case wasm.OpMemoryCopy, wasm.OpMemoryFill:
		if err := fv.needMem(); err != nil {
			return err
		}
		if in.Op == wasm.OpMemoryFill {
			if err := fv.pop(wasm.I32); err != nil {
				return err
			}
			if err := fv.pop(wasm.I32); err != nil {
				return err
			}
			return fv.pop(wasm.I32)
		}
		return fv.pop3I32()
	case wasm.OpTableInit:
		fv.fi.WritesTables = true
		tt, err := fv.table(in.Index2)
		if err != nil {
			return err
		}
		et, err := fv.elem(in.Index)
		if err != nil {
			return err
		}
		if tt != et {
			return fv.errf("type mismatch: table.init of %s segment into table of %s", et, tt)
		}
		return fv.pop3I32()
	case wasm.OpElemDrop:
		fv.fi.UsesTables = true
		_, err := fv.elem(in.Index)
		return err
	case wasm.OpTableCopy:
		fv.fi.WritesTables = true
		dt, err := fv.table(in.Index)
		if err != nil {
			return err
		}
		st, err := fv.table(in.Index2)
		if err != nil {
			return err
		}
		if dt != st {
			return fv.errf("type mismatch: table.copy from table of %s to table of %s", st, dt)
		}
		return fv.pop3I32()
	case wasm.OpTableGrow:
		fv.fi.WritesTables = true
		et, err := fv.table(in.Index)
		if err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		if err := fv.pop(et); err != nil {
			return err
		}
		fv.push(wasm.I32)
		return nil
	case wasm.OpTableSize:
		if _, err := fv.table(in.Index); err != nil {
			return err
		}
		fv.push(wasm.I32)
		return nil
	case wasm.OpTableFill:
		fv.fi.WritesTables = true
		et, err := fv.table(in.Index)
		if err != nil {
			return err
		}
		if err := fv.pop(wasm.I32); err != nil {
			return err
		}
		if err := fv.pop(et); err != nil {
			return err
		}
		return fv.pop(wasm.I32)
	}
	return fv.errf("illegal opcode %s", in.Op)
}

func (fv *funcValidator) unop(p, r wasm.ValType) error {
	if err := fv.pop(p); err != nil {
		return err
	}
	fv.push(r)
	return nil
}

func (fv *funcValidator) simd(in *wasm.Instr) error {
	fv.fi.UsesSIMD = true
	info, ok := wasm.SIMD(uint32(in.Op & 0xFFFF))
	if !ok {
		return fv.errf("illegal opcode %s", in.Op)
	}
	switch info.Imm {
	case wasm.SIMDImmMemArg, wasm.SIMDImmMemArgLane:
		if err := fv.memarg(in.MemAlign, info.MemSize); err != nil {
			return err
		}
		if info.Imm == wasm.SIMDImmMemArgLane && in.Lane >= info.Lanes {
			return fv.errf("invalid lane index %d", in.Lane)
		}
	case wasm.SIMDImmLane:
		if in.Lane >= info.Lanes {
			return fv.errf("invalid lane index %d", in.Lane)
		}
	case wasm.SIMDImmShuffle:
		for _, l := range in.V128 {
			if l >= info.Lanes {
				return fv.errf("invalid lane index %d", l)
			}
		}
	}
	for i := int(info.NumParams) - 1; i >= 0; i-- {
		if err := fv.pop(info.Params[i]); err != nil {
			return err
		}
	}
	if info.Result != 0 {
		fv.push(info.Result)
	}
	return nil
}

func sameTypes(a, b []wasm.ValType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
