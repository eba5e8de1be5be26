package execute

// MaxCallDepth bounds how deeply calls into a store may nest: a host
// function that calls back into the guest that called it, without end,
// would otherwise grow the Go stack until the runtime kills the process
// (its stack limit is a fatal error, not a panic). A call beyond it ends
// with TrapStackOverflow, as a guest stack that runs out does.
const MaxCallDepth = 100_000

// maxGoStack is the Go stack a goroutine may be using when it enters a
// nested call. Go refuses to grow a stack past 1 GB (debug.SetMaxStack),
// which, since stacks double, leaves 512 MiB usable; half of that is kept
// for the host functions running at the deepest level. Depth alone does
// not bound it: host functions' frames are the embedder's, and a chain of
// calls through several stores counts against each store's depth
// separately but against one goroutine's stack.
const maxGoStack = 256 << 20

// goStackUsed is how many bytes of its stack the calling goroutine uses
// (gostack_amd64.s).
func goStackUsed() uintptr

// goStackBounds is the calling goroutine's stack, for the test that
// goStackUsed reads the right words.
func goStackBounds() (lo, hi uintptr)

// nestTooDeep says whether a call nested in a host function of s would
// go past MaxCallDepth or maxGoStack.
func (s *Store) nestTooDeep() bool {
	return s.depth >= MaxCallDepth || goStackUsed() > maxGoStack
}

// curG returns the running goroutine's g pointer (gostack_amd64.s): no two
// live goroutines share one.
func curG() uintptr
