package wasi

import "errors"

// Init makes s, a System that Close has closed (or the zero System, kept
// inside the embedder's own struct), new for cfg, as New would make it, in
// the same memory: an embedder that keeps one System per pooled instance
// then allocates none per instance. Nothing of the last guest survives:
// its fds were closed by Close and the table is empty; limits, counters,
// argv, environment and stdio come from cfg.
func (s *System) Init(cfg Config) error {
	s.mu.Lock()
	if !s.closed && s.fds.len() > 0 {
		s.mu.Unlock()
		return errors.New("wasi: init: the system is in use (close it first)")
	}
	s.closed = false
	s.mu.Unlock()
	s.maxOpen, s.shareCapped, s.outLimited, s.onOutLimit, s.walk = 0, false, false, nil, false
	s.outLeft.Store(0)
	s.outHit.Store(false)
	for i := range s.stdio {
		s.stdio[i] = fdEntry{}
	}
	if err := s.init(cfg); err != nil {
		s.Close()
		return err
	}
	return nil
}
