package ssa

// scopedMap holds facts that hold in a dominator subtree while a pass
// walks the tree (walkScoped): what a block binds is undone when its
// subtree is done. bounds-check elimination (checked ends) and address
// folding (value ranges) share it; GVN has a table of its own
// (gvnTable).
type scopedMap[K comparable, V any] struct {
	m   map[K]V
	log []scopedUndo[K, V]
}

type scopedUndo[K comparable, V any] struct {
	k   K
	old V
	had bool
}

// set binds k to v until the subtree of the block that set it is done.
func (s *scopedMap[K, V]) set(k K, v V) {
	old, had := s.m[k]
	s.log = append(s.log, scopedUndo[K, V]{k, old, had})
	s.m[k] = v
}

// popTo undoes the bindings made since the log was mark long.
func (s *scopedMap[K, V]) popTo(mark int) {
	for i := len(s.log) - 1; i >= mark; i-- {
		if u := s.log[i]; u.had {
			s.m[u.k] = u.old
		} else {
			delete(s.m, u.k)
		}
	}
	s.log = s.log[:mark]
}

// walkScoped calls visit on every block of the dominator tree under b,
// each before its children, and undoes the bindings visit made in s
// once the block's subtree is done.
func walkScoped[K comparable, V any](tree domTree, b *Block, s *scopedMap[K, V], visit func(*Block)) {
	mark := len(s.log)
	visit(b)
	for _, c := range tree.of(b) {
		walkScoped(tree, c, s, visit)
	}
	s.popTo(mark)
}
