package execute

import (
	"errors"
	"fmt"
)

// Reset makes the store new again, with the same Config, for the next
// tenant: everything its instances hold is given back as Close gives it
// back (memories reset over their high-water marks, the arena cleared,
// code unregistered), and the store forgets them. What the store itself
// is made of (the store, its first instance's block and function table)
// is kept, so a store reset and reused for the same module allocates
// nothing on the Go heap: the way a pool serves a fresh instance per
// request.
//
// Every extern of the store (instances, functions, memories, tables,
// globals) is invalid afterwards, as after Close; unlike after Close, the
// objects behind them are reused by the next tenant, so an embedder that
// resets stores must make sure nothing still uses them (package lucet
// checks a generation on every handle). The next tenant also gets a new
// store identity: a guest stack the last tenant used is reset before it
// runs on it.
func (s *Store) Reset() error {
	took, ok := s.claim()
	if !ok {
		return fmt.Errorf("execute: reset: %w", ErrBusy)
	}
	if took {
		defer s.owner.Store(0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("execute: reset: store is closed")
	}
	if s.depth > 0 {
		return errors.New("execute: reset: store is running a call")
	}
	s.release()
	s.epoch++

	clear(s.inline.instances[:])
	clear(s.inline.modules[:])
	clear(s.inline.tabs[:])
	clear(s.inline.mems[:])
	s.instances, s.modules = s.inline.instances[:0], s.inline.modules[:0]
	s.ownedTabs, s.ownedMems = s.inline.tabs[:0], s.inline.mems[:0]
	s.vmctxs.Store(&noVMCtxs)
	s.inline.vmctx[0], s.inline.vmctxs = 0, nil
	s.inline.blk, s.inline.blkTaken = instanceBlock{}, false
	clear(s.inline.funcs[:cap(s.inline.funcs)])
	for _, f := range s.inline.fns[:s.inline.nfns] {
		*f = Func{} // the last tenant's instance is garbage now
	}
	s.inline.nfns = 0

	s.killMu.Lock()
	s.killed.Store(false)
	if s.doneClosed {
		s.done, s.doneClosed = nil, false
	}
	s.gen++
	s.killMu.Unlock()
	s.hostInst, s.hostIdx = nil, 0
	s.data = nil

	var err error
	if s.exec, err = s.arena.alloc(execSize); err != nil {
		s.closed = true
		return err
	}
	s.id = storeIDs.Add(1)
	return nil
}
