package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/lucet-go/lucet/pkg/bench"
)

// progressDelay is how long a run goes before the bar appears: shorter
// runs would only flicker. (A variable for the test.)
var progressDelay = time.Second

// showProgress draws a progress bar on the terminal w once a run has
// lasted progressDelay, until stop is called.
func showProgress(w *os.File, p *bench.Progress) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if progressDelay > 0 {
			select {
			case <-done:
				return
			case <-time.After(progressDelay):
			}
		}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			drawProgress(w, p)
			select {
			case <-done:
				// A bar once shown ends at the run's final count, however
				// the last tick fell.
				drawProgress(w, p)
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		select {
		case <-done:
		default:
			close(done)
			<-finished
		}
	}
}

const barWidth = 30

func drawProgress(w io.Writer, p *bench.Progress) {
	phase, n, total := p.Get()
	if total <= 0 {
		return
	}
	fill := int(int64(barWidth) * min(n, total) / total)
	fmt.Fprintf(w, "\r\x1b[K%s [%s%s] %3d%% %s/%s", phase, strings.Repeat("=", fill), strings.Repeat(" ", barWidth-fill),
		100*min(n, total)/total, humanize.Comma(n), humanize.Comma(total))
}

// clearProgress erases the bar's line.
func clearProgress(w io.Writer) { fmt.Fprint(w, "\r\x1b[K") }
