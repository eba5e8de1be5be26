package bench

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lucet-go/lucet"
	"github.com/lucet-go/lucet/api"
)

// Options say what to measure.
type Options struct {
	Instances int // instantiations timed (default 10,000)
	Warmup    int // untimed instantiations first
	Parallel  int // goroutines sharing the timed instantiations (default 1)
	// Keep holds every timed instance alive until all are made, then
	// measures their memory as a live entry of K = Instances and times
	// their teardown; otherwise each is closed before the next.
	Keep bool
	// Call is an export with no parameters (e.g. _start) called on every
	// timed instance (timed separately) and on every live instance once
	// all of them exist. A trap or exit is counted, not fatal.
	Call string
	// Live lists counts K of instances held alive at once to measure the
	// memory each costs.
	Live      []int
	Layout    api.Layout
	MaxMemory uint64 // memory limit per instance in bytes (0: the layout's default)
	// MaxTableElements caps the elements of an instance's tables
	// together (0: the runtime's most, as lucet.Limits says).
	MaxTableElements uint32
	Args             []string // the guest's argv
	// Progress, when not nil, is kept up to date for a progress display.
	Progress *Progress
}

// Result holds every figure of a run. Its JSON uses peerbench inst's
// field names (../shared/peers/cmd/peerbench); the rest are lucet's own.
type Result struct {
	Cmd       string     `json:"cmd"`
	Engine    string     `json:"engine"`
	Wasm      string     `json:"wasm"`
	Layout    api.Layout `json:"layout"`
	MaxMemory uint64     `json:"max_memory_bytes,omitempty"`
	MaxTable  uint32     `json:"max_table_elements,omitempty"`
	N         int        `json:"n"`
	Warmup    int        `json:"warmup"`
	Parallel  int        `json:"parallel"`
	Keep      bool       `json:"keep,omitempty"`
	Call      string     `json:"call,omitempty"`
	InstUs    Summary    `json:"instantiate_us"`
	CallUs    *Summary   `json:"call_us,omitempty"`
	CloseUs   Summary    `json:"close_us"`
	// PerSec is Instances over the wall time of the whole timed loop
	// (create, call, close), across all goroutines.
	PerSec float64 `json:"instances_per_s"`
	// Calls counts how the timed calls ended.
	Calls      *Outcomes `json:"calls,omitempty"`
	Live       []Live    `json:"live"`
	BaseRSSKiB int64     `json:"base_rss_kib"`
	BaseVMKiB  int64     `json:"base_vm_kib"`
	BaseMaps   int       `json:"base_maps"`
}

// Live is the memory of K instances alive at once, per instance.
type Live struct {
	K                  int     `json:"k"`
	Created            int     `json:"created"`
	Error              string  `json:"error,omitempty"`
	CreateMs           float64 `json:"create_ms"`
	RSSKiBPerInst      float64 `json:"rss_kib_per_inst"`
	VMKiBPerInst       float64 `json:"vm_kib_per_inst"`
	MapsPerInst        float64 `json:"maps_per_inst"`
	GoHeapBytesPerInst float64 `json:"go_heap_bytes_per_inst"`
	FDsPerInst         float64 `json:"fds_per_inst"`
	RSSBeforeKiB       int64   `json:"rss_before_kib"`
	RSSLiveKiB         int64   `json:"rss_live_kib"`
	RSSAfterKiB        int64   `json:"rss_after_close_kib"`
	VMLiveKiB          int64   `json:"vm_live_kib"`
	MapsLive           int     `json:"maps_live"`
	// Calls counts how the calls of Options.Call on the live instances
	// ended, and RSSKiBPerInstCalled is the resident memory per instance
	// once all of them were called (what running costs on top of
	// instantiating: pages the guest wrote).
	Calls               *Outcomes `json:"calls,omitempty"`
	RSSKiBPerInstCalled float64   `json:"rss_kib_per_inst_after_call,omitempty"`
}

// Outcomes counts how calls ended: returned, exited (proc_exit, by
// status) or trapped (by trap code).
type Outcomes struct {
	Returned int            `json:"returned"`
	Exits    map[int]int    `json:"exits,omitempty"`
	Traps    map[string]int `json:"traps,omitempty"`
}

// Trapped is the number of calls that trapped.
func (o *Outcomes) Trapped() int {
	n := 0
	for _, c := range o.Traps {
		n += c
	}
	return n
}

// count records how one call ended; an error that is neither a trap nor
// an exit is the host's failure and is returned.
func (o *Outcomes) count(err error) error {
	var exit *lucet.ExitError
	var trap *lucet.Trap
	switch {
	case err == nil:
		o.Returned++
	case errors.As(err, &exit):
		if o.Exits == nil {
			o.Exits = map[int]int{}
		}
		o.Exits[int(exit.Code)]++
	case errors.As(err, &trap):
		if o.Traps == nil {
			o.Traps = map[string]int{}
		}
		o.Traps[trap.Code.String()]++
	default:
		return err
	}
	return nil
}

func (o *Outcomes) add(p *Outcomes) {
	o.Returned += p.Returned
	for k, v := range p.Exits {
		if o.Exits == nil {
			o.Exits = map[int]int{}
		}
		o.Exits[k] += v
	}
	for k, v := range p.Traps {
		if o.Traps == nil {
			o.Traps = map[string]int{}
		}
		o.Traps[k] += v
	}
}

// Progress is how far a run is, for a display on another goroutine.
type Progress struct {
	phase       atomic.Pointer[string]
	done, total atomic.Int64
}

func (p *Progress) start(phase string, total int) {
	if p == nil {
		return
	}
	p.phase.Store(&phase)
	p.done.Store(0)
	p.total.Store(int64(total))
}

func (p *Progress) step() {
	if p != nil {
		p.done.Add(1)
	}
}

// Get returns the current phase and how much of it is done.
func (p *Progress) Get() (phase string, done, total int64) {
	if s := p.phase.Load(); s != nil {
		phase = *s
	}
	return phase, p.done.Load(), p.total.Load()
}

// Run measures mod (read from path, which names it in the result). The
// returned error is a failure of the host: bad options, an instance that
// could not be created, a call that failed without trapping. Result holds
// what was measured up to then, nil when nothing was.
func Run(mod *Module, path string, opts Options) (*Result, error) {
	if opts.Instances <= 0 {
		opts.Instances = 10000
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 1
	}
	if opts.Parallel > opts.Instances {
		opts.Parallel = opts.Instances
	}
	f, err := NewFactory(mod, opts.Layout, lucet.Limits{MaxMemoryBytes: opts.MaxMemory, MaxTableElements: opts.MaxTableElements}, opts.Args)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Call != "" {
		if err := f.checkCall(opts.Call); err != nil {
			return nil, err
		}
	}
	res := &Result{Cmd: "inst", Engine: "lucet", Wasm: path, Layout: opts.Layout, MaxMemory: opts.MaxMemory, MaxTable: opts.MaxTableElements,
		N: opts.Instances, Warmup: opts.Warmup, Parallel: opts.Parallel, Keep: opts.Keep, Call: opts.Call, Live: []Live{}}
	Settle()
	base := ReadProcMem()
	res.BaseRSSKiB, res.BaseVMKiB, res.BaseMaps = base.RSSKiB, base.VMKiB, base.Maps

	opts.Progress.start("warmup", opts.Warmup)
	for i := 0; i < opts.Warmup; i++ {
		in, err := f.New()
		if err != nil {
			return nil, fmt.Errorf("warmup instance %d: %w", i+1, err)
		}
		in.Close()
		opts.Progress.step()
	}
	if err := timed(f, opts, res); err != nil {
		return res, err
	}
	for _, k := range opts.Live {
		l, err := live(f, k, opts)
		res.Live = append(res.Live, l)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// worker is one goroutine's share of the timed loop.
type worker struct {
	inst, call, close []time.Duration
	calls             Outcomes
	kept              []Instance
	err               error
}

// timed runs the timed loop on opts.Parallel goroutines.
func timed(f *Factory, opts Options, res *Result) error {
	n, p := opts.Instances, opts.Parallel
	ws := make([]worker, p)
	var before ProcMem
	var ms0 uint64
	if opts.Keep {
		Settle()
		before = ReadProcMem()
		ms0 = before.HeapAlloc
	}
	opts.Progress.start("instantiate", n)
	var wg sync.WaitGroup
	start := time.Now()
	for g := range ws {
		share := n / p
		if g < n%p {
			share++
		}
		wg.Add(1)
		go func(w *worker, share int) {
			defer wg.Done()
			w.run(f, share, opts)
		}(&ws[g], share)
	}
	wg.Wait()
	if !opts.Keep {
		res.PerSec = float64(n) / time.Since(start).Seconds()
	}
	var inst, call, cl []time.Duration
	var calls Outcomes
	var err error
	var kept int
	for i := range ws {
		w := &ws[i]
		inst = append(inst, w.inst...)
		call = append(call, w.call...)
		calls.add(&w.calls)
		kept += len(w.kept)
		if err == nil {
			err = w.err
		}
	}
	if opts.Keep {
		Settle()
		after := ReadProcMem()
		l := Live{K: n, Created: kept, CreateMs: float64(time.Since(start)) / 1e6}
		l.perInstance(before, after, ms0)
		opts.Progress.start("close", kept)
		// Teardown is timed on one goroutine: what is measured is the
		// cost of closing, not how closes contend.
		for i := range ws {
			for _, in := range ws[i].kept {
				t0 := time.Now()
				in.Close()
				cl = append(cl, time.Since(t0))
				opts.Progress.step()
			}
			ws[i].kept = nil
		}
		res.PerSec = float64(kept) / time.Since(start).Seconds()
		Settle()
		l.RSSAfterKiB = ReadProcMem().RSSKiB
		if err != nil {
			l.Error = err.Error()
		}
		res.Live = append(res.Live, l)
	} else {
		for i := range ws {
			cl = append(cl, ws[i].close...)
		}
	}
	res.InstUs, res.CloseUs = Summarize(inst), Summarize(cl)
	if opts.Call != "" {
		s := Summarize(call)
		res.CallUs = &s
		res.Calls = &calls
	}
	return err
}

// maxPrealloc bounds the room made ahead for per-instance records: a
// count from the command line (--instances 1000000000000, --live ...)
// was allocated whole before the first instance, and the Go runtime
// died with "fatal error: runtime: out of memory" and a stack dump.
// Past it the slices grow as they are filled.
const maxPrealloc = 1 << 20

func (w *worker) run(f *Factory, n int, opts Options) {
	room := min(n, maxPrealloc)
	w.inst = make([]time.Duration, 0, room)
	if opts.Call != "" {
		w.call = make([]time.Duration, 0, room)
	}
	if !opts.Keep {
		w.close = make([]time.Duration, 0, room)
	}
	for i := 0; i < n; i++ {
		t0 := time.Now()
		in, err := f.New()
		t1 := time.Now()
		if err != nil {
			w.err = fmt.Errorf("instance %d: %w", len(w.inst)+len(w.kept)+1, err)
			return
		}
		w.inst = append(w.inst, t1.Sub(t0))
		if opts.Call != "" {
			err := call(in, opts.Call)
			t2 := time.Now()
			w.call = append(w.call, t2.Sub(t1))
			if err = w.calls.count(err); err != nil {
				in.Close()
				w.err = fmt.Errorf("call %s: %w", opts.Call, err)
				return
			}
			t1 = t2
		}
		if opts.Keep {
			w.kept = append(w.kept, in)
		} else {
			in.Close()
			w.close = append(w.close, time.Since(t1))
		}
		opts.Progress.step()
	}
}

// live holds k instances alive at once and measures them; with a call,
// calls it on every one of them while all are alive.
func live(f *Factory, k int, opts Options) (Live, error) {
	l := Live{K: k}
	Settle()
	before := ReadProcMem()
	ins := make([]Instance, 0, min(k, maxPrealloc))
	defer func() {
		for _, in := range ins {
			in.Close()
		}
	}()
	opts.Progress.start(fmt.Sprintf("live %d", k), k)
	t := time.Now()
	var err error
	for i := 0; i < k; i++ {
		in, e := f.New()
		if e != nil {
			err = fmt.Errorf("live instance %d of %d: %w", i+1, k, e)
			l.Error = err.Error()
			break
		}
		ins = append(ins, in)
		opts.Progress.step()
	}
	l.CreateMs = float64(time.Since(t)) / 1e6
	l.Created = len(ins)
	Settle()
	l.perInstance(before, ReadProcMem(), before.HeapAlloc)
	if opts.Call != "" && err == nil {
		opts.Progress.start(fmt.Sprintf("call %s on %d live", opts.Call, k), k)
		l.Calls = &Outcomes{}
		for i, in := range ins {
			e := call(in, opts.Call)
			if e = l.Calls.count(e); e != nil {
				err = fmt.Errorf("live instance %d of %d: call %s: %w", i+1, k, opts.Call, e)
				l.Error = err.Error()
				break
			}
			opts.Progress.step()
		}
		Settle()
		if l.Created > 0 {
			l.RSSKiBPerInstCalled = float64(ReadProcMem().RSSKiB-before.RSSKiB) / float64(l.Created)
		}
	}
	for _, in := range ins {
		in.Close()
	}
	ins = nil
	Settle()
	l.RSSAfterKiB = ReadProcMem().RSSKiB
	return l, err
}

// perInstance fills the per-instance growth from before to after.
func (l *Live) perInstance(before, after ProcMem, heap0 uint64) {
	l.RSSBeforeKiB, l.RSSLiveKiB, l.VMLiveKiB, l.MapsLive = before.RSSKiB, after.RSSKiB, after.VMKiB, after.Maps
	if l.Created == 0 {
		return
	}
	c := float64(l.Created)
	l.RSSKiBPerInst = float64(after.RSSKiB-before.RSSKiB) / c
	l.VMKiBPerInst = float64(after.VMKiB-before.VMKiB) / c
	l.MapsPerInst = float64(after.Maps-before.Maps) / c
	l.FDsPerInst = float64(after.FDs-before.FDs) / c
	l.GoHeapBytesPerInst = (float64(after.HeapAlloc) - float64(heap0)) / c
}
