package execute

import (
	"github.com/lucet-go/lucet/pkg/abi"
)

// builtin runs a runtime function for the instance that exited. Arguments
// are the slots at HostArgs as listed on each abi.Builtin; results go back
// into slot 0. It returns the trap to raise, or TrapNone.
func (s *Store) builtin(b abi.Builtin) abi.TrapCode {
	e := s.exec
	inst := s.instanceOf(loadPtr(e + abi.ExecExitVMCtx))
	a := loadPtr(e + abi.ExecHostArgs)
	arg := func(i int) uint64 { return load64(a + uintptr(i)*8) }
	u32 := func(i int) uint32 { return uint32(arg(i)) }
	switch b {
	case abi.BuiltinMemoryGrow:
		res := uint64(0xFFFFFFFF)
		if len(inst.mems) > 0 {
			// The store's cap holds for whatever memory its guests grow:
			// its own are made within it, but an imported host memory (up
			// to 4 GiB without a maximum) or another store's is not.
			m, n := inst.mems[0], u32(0)
			if cur := uint64(m.Pages()); n == 0 || cur+uint64(n) <= uint64(s.cfg.MaxMemoryPages) {
				if old, ok := m.Grow(n); ok {
					res = uint64(old)
				}
			}
		}
		store64(a, res)
		return abi.TrapNone
	case abi.BuiltinMemoryInit:
		return inst.memoryInit(0, u32(0), u32(1), u32(2), u32(3))
	case abi.BuiltinDataDrop:
		if i := u32(0); int(i) < len(inst.datas) {
			inst.datas[i] = nil
		}
		return abi.TrapNone
	case abi.BuiltinMemoryCopy:
		return inst.memoryCopy(u32(0), u32(1), u32(2))
	case abi.BuiltinMemoryFill:
		return inst.memoryFill(u32(0), byte(arg(1)), u32(2))
	case abi.BuiltinTableGrow:
		t, n := inst.tables[u32(0)], u32(2)
		res := uint64(0xFFFFFFFF)
		// A table the store does not own (a host table, up to 16M
		// elements, or another store's) grows within the store's budget
		// too when its guests grow it, and counts against it; its own
		// count in Table.Grow.
		if foreign := t.owner != s; !foreign || s.tableElems+uint64(n) <= uint64(s.cfg.MaxTableElements) {
			if old, ok := t.grow(n, arg(1)); ok {
				res = uint64(old)
				if foreign {
					s.tableElems += uint64(n)
				}
			}
		}
		store64(a, res)
		return abi.TrapNone
	case abi.BuiltinTableFill:
		t := inst.tables[u32(0)]
		i, v, n := u32(1), arg(2), u32(3)
		if uint64(i)+uint64(n) > uint64(t.Len()) {
			return abi.TrapTableOutOfBounds
		}
		el := t.elems()
		for k := uint32(0); k < n; k++ {
			el[i+k] = v
		}
		return abi.TrapNone
	case abi.BuiltinTableCopy:
		dt, st := inst.tables[u32(0)], inst.tables[u32(1)]
		d, sr, n := u32(2), u32(3), u32(4)
		if uint64(d)+uint64(n) > uint64(dt.Len()) || uint64(sr)+uint64(n) > uint64(st.Len()) {
			return abi.TrapTableOutOfBounds
		}
		copy(dt.elems()[d:d+n], st.elems()[sr:sr+n])
		return abi.TrapNone
	case abi.BuiltinTableInit:
		return inst.tableInit(u32(0), u32(1), u32(2), u32(3), u32(4))
	case abi.BuiltinElemDrop:
		if i := u32(0); int(i) < len(inst.elems) {
			inst.elems[i] = nil
		}
		return abi.TrapNone
	case abi.BuiltinTableGet:
		t := inst.tables[u32(0)]
		v, ok := t.Get(u32(1))
		if !ok {
			return abi.TrapTableOutOfBounds
		}
		store64(a, v)
		return abi.TrapNone
	case abi.BuiltinTableSet:
		if !inst.tables[u32(0)].set(u32(1), arg(2)) {
			return abi.TrapTableOutOfBounds
		}
		return abi.TrapNone
	}
	return abi.TrapUnreachable
}

// memoryInit copies n bytes of data segment seg from src to dst in memory
// mem. Bounds are checked before anything is written, n = 0 included.
func (inst *Instance) memoryInit(mem, seg, dst, src, n uint32) abi.TrapCode {
	var data []byte
	if int(seg) < len(inst.datas) {
		data = inst.datas[seg]
	}
	if uint64(src)+uint64(n) > uint64(len(data)) {
		return abi.TrapMemoryOutOfBounds
	}
	if int(mem) >= len(inst.mems) {
		return abi.TrapMemoryOutOfBounds
	}
	m := inst.mems[mem].Bytes()
	if uint64(dst)+uint64(n) > uint64(len(m)) {
		return abi.TrapMemoryOutOfBounds
	}
	copy(m[dst:dst+n], data[src:src+n])
	return abi.TrapNone
}

func (inst *Instance) memoryCopy(dst, src, n uint32) abi.TrapCode {
	if len(inst.mems) == 0 {
		return abi.TrapMemoryOutOfBounds
	}
	m := inst.mems[0].Bytes()
	if uint64(dst)+uint64(n) > uint64(len(m)) || uint64(src)+uint64(n) > uint64(len(m)) {
		return abi.TrapMemoryOutOfBounds
	}
	copy(m[dst:dst+n], m[src:src+n])
	return abi.TrapNone
}

func (inst *Instance) memoryFill(dst uint32, v byte, n uint32) abi.TrapCode {
	if len(inst.mems) == 0 {
		return abi.TrapMemoryOutOfBounds
	}
	m := inst.mems[0].Bytes()
	if uint64(dst)+uint64(n) > uint64(len(m)) {
		return abi.TrapMemoryOutOfBounds
	}
	b := m[dst : dst+n]
	for i := range b {
		b[i] = v
	}
	return abi.TrapNone
}

// tableInit copies n entries of element segment seg from s to d in table.
func (inst *Instance) tableInit(table, seg, d, s, n uint32) abi.TrapCode {
	var el []uint64
	if int(seg) < len(inst.elems) {
		el = inst.elems[seg]
	}
	if int(table) >= len(inst.tables) {
		return abi.TrapTableOutOfBounds
	}
	t := inst.tables[table]
	if uint64(s)+uint64(n) > uint64(len(el)) || uint64(d)+uint64(n) > uint64(t.Len()) {
		return abi.TrapTableOutOfBounds
	}
	copy(t.elems()[d:d+n], el[s:s+n])
	return abi.TrapNone
}
