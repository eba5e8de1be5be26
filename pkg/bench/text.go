package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dustin/go-humanize"
)

// WriteText prints r for people: durations, rates and sizes humanized, one
// line per figure group.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	gor := "goroutine"
	if r.Parallel != 1 {
		gor += "s"
	}
	fmt.Fprintf(&b, "%s: %s instantiations on %d %s, layout %s", r.Wasm, humanize.Comma(int64(r.N)), r.Parallel, gor, r.Layout)
	if r.MaxMemory != 0 {
		fmt.Fprintf(&b, ", memory limit %s", humanize.IBytes(r.MaxMemory))
	}
	if r.MaxTable != 0 {
		fmt.Fprintf(&b, ", table limit %s elements", humanize.Comma(int64(r.MaxTable)))
	}
	if r.Keep {
		b.WriteString(", all kept alive")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "instantiate: %s; close median %s; %s instances/s\n",
		quantiles(r.InstUs), us(r.CloseUs.Median), humanize.Comma(int64(r.PerSec)))
	if r.CallUs != nil {
		fmt.Fprintf(&b, "call %s: %s; %s\n", r.Call, quantiles(*r.CallUs), r.Calls)
	}
	for _, l := range r.Live {
		fmt.Fprintf(&b, "live %s: %s RSS, %s address space, %.2f mappings, %s Go heap per instance; RSS after close %s\n",
			humanize.Comma(int64(l.K)), kib(l.RSSKiBPerInst), kib(l.VMKiBPerInst), l.MapsPerInst,
			humanize.IBytes(uint64(max(l.GoHeapBytesPerInst, 0))), humanize.IBytes(uint64(l.RSSAfterKiB)*1024))
		if l.Calls != nil {
			fmt.Fprintf(&b, "  call %s on all %s live: %s; then %s RSS per instance\n", r.Call, humanize.Comma(int64(l.Created)), l.Calls, kib(l.RSSKiBPerInstCalled))
		}
		if l.Error != "" {
			fmt.Fprintf(&b, "  FAILED after %s instances: %s\n", humanize.Comma(int64(l.Created)), l.Error)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String says how calls ended, trap codes in order of count.
func (o *Outcomes) String() string {
	if o == nil {
		return "no calls"
	}
	parts := []string{humanize.Comma(int64(o.Returned)) + " returned"}
	if len(o.Exits) > 0 {
		codes := make([]int, 0, len(o.Exits))
		n := 0
		for c, k := range o.Exits {
			codes = append(codes, c)
			n += k
		}
		slices.Sort(codes)
		var es []string
		for _, c := range codes {
			es = append(es, fmt.Sprintf("status %d: %s", c, humanize.Comma(int64(o.Exits[c]))))
		}
		parts = append(parts, fmt.Sprintf("%s exited (%s)", humanize.Comma(int64(n)), strings.Join(es, ", ")))
	}
	if len(o.Traps) > 0 {
		names := make([]string, 0, len(o.Traps))
		for c := range o.Traps {
			names = append(names, c)
		}
		slices.SortFunc(names, func(a, b string) int {
			if d := o.Traps[b] - o.Traps[a]; d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		var ts []string
		for _, c := range names {
			ts = append(ts, fmt.Sprintf("%s: %s", c, humanize.Comma(int64(o.Traps[c]))))
		}
		parts = append(parts, fmt.Sprintf("%s trapped (%s)", humanize.Comma(int64(o.Trapped())), strings.Join(ts, ", ")))
	}
	return strings.Join(parts, ", ")
}

func quantiles(s Summary) string {
	return fmt.Sprintf("median %s, p90 %s, p99 %s, max %s", us(s.Median), us(s.P90), us(s.P99), us(s.Max))
}

// us prints a duration given in microseconds with three significant
// figures in the unit that suits it.
func us(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.3g s", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.3g ms", x/1e3)
	default:
		return fmt.Sprintf("%.3g µs", x)
	}
}

func kib(x float64) string {
	if x < 0 {
		return "-" + humanize.IBytes(uint64(-x*1024))
	}
	return humanize.IBytes(uint64(x * 1024))
}
