package execute

import "github.com/lucet-go/lucet/pkg/abi"

// refIndex finds, for an address the host gives as a function reference
// (Table.Set, Table.Grow, Global.Set), the instances of the store whose
// FuncRef records might hold it, in time independent of how many
// instances the store has: the check used to walk every instance, so a
// Set into a store of 10,000 instances looked at up to 10,000 of them.
//
// The records are indexed by the 1 KiB granule of the address space they
// lie in: granules maps a granule to the newest node of the instances
// whose records meet it, and those nodes are chained through next; a node
// holds the range of the records, so walking a chain reads nothing else.
// An instance's records lie in its arena block after its VMContext, so no
// more than 1 + 1024/(vmctxSize+FuncRefSize), 7, instances' records can
// meet in a granule: a lookup visits at most 7 nodes. The index costs a
// node and a map entry per granule an instance's records meet (1 or 2
// for most modules; 24 bytes of records per function).
//
// A store of at most refScanMax instances keeps no index and scans them
// (no map for the common store of one instance); the index is made when
// the store registers its next instance, and kept as instances are
// added. Instances are only ever appended to a store (a failed
// instantiation that registered one keeps it, as generated code of it
// may have run); release forgets them all. Lookups only read, so Sets
// into a store's tables from several goroutines are as safe as before.
type refIndex struct {
	n        int               // s.instances[:n] are indexed; 0 = none (scan)
	granules map[uintptr]int32 // address >> refGranuleShift → 1 + index in nodes of its newest node
	nodes    []refNode
}

type refNode struct {
	lo   uintptr // the instance's first FuncRef record
	n    uint32  // its number of records
	next int32   // 1 + index of the granule's previous node, 0 = none
}

const (
	refScanMax      = 8
	refGranuleShift = 10
)

// ownsFuncRef says whether a is the FuncRef record of a function of one
// of the store's instances.
func (s *Store) ownsFuncRef(a uintptr) bool {
	if s.refs.n == 0 {
		for _, inst := range s.instances {
			if inst.holdsFuncRef(a) {
				return true
			}
		}
		return false
	}
	for k := s.refs.granules[a>>refGranuleShift]; k != 0; {
		nd := &s.refs.nodes[k-1]
		if isFuncRef(a, nd.lo, uintptr(nd.n)) {
			return true
		}
		k = nd.next
	}
	return false
}

// holdsFuncRef says whether a is one of inst's FuncRef records.
func (inst *Instance) holdsFuncRef(a uintptr) bool {
	return isFuncRef(a, inst.funcRefs, uintptr(len(inst.funcs)))
}

// isFuncRef says whether a is one of n FuncRef records from lo on.
func isFuncRef(a, lo, n uintptr) bool {
	return a >= lo && a < lo+n*abi.FuncRefSize && (a-lo)%abi.FuncRefSize == 0
}

// indexFuncRefs brings the index up to date with s.instances, once they
// are more than refScanMax.
func (s *Store) indexFuncRefs() {
	if len(s.instances) <= refScanMax {
		return
	}
	r := &s.refs
	if r.granules == nil {
		r.granules = make(map[uintptr]int32)
	}
	for ; r.n < len(s.instances); r.n++ {
		inst := s.instances[r.n]
		if len(inst.funcs) == 0 {
			continue
		}
		lo, n := inst.funcRefs, uintptr(len(inst.funcs))
		for g := lo >> refGranuleShift; g <= (lo+n*abi.FuncRefSize-1)>>refGranuleShift; g++ {
			r.nodes = append(r.nodes, refNode{lo: lo, n: uint32(n), next: r.granules[g]})
			r.granules[g] = int32(len(r.nodes))
		}
	}
}

// reset forgets every instance, keeping the map and nodes for the
// store's next tenant.
func (r *refIndex) reset() {
	r.n = 0
	clear(r.granules)
	r.nodes = r.nodes[:0]
}
