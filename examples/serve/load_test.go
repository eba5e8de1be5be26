package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// plainHello is the guest's /hello written as a plain Go handler: the
// same work without a sandbox, the baseline the guest is measured against.
func plainHello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}
	body := "Hello, " + name + "!\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	io.WriteString(w, body)
}

// clients is how many HTTP clients drive the server at once.
const clients = 64

// loadGuest is the guest handler with limits for a loaded, shared
// machine: a request that waits for a CPU is not a guest that runs away.
func loadGuest(tb testing.TB) *Guest {
	log.SetOutput(io.Discard)
	tb.Cleanup(func() { log.SetOutput(os.Stderr) })
	c := testConfig()
	c.timeout, c.maxInstances = 10*time.Second, 1024
	g, cleanup, err := newGuest(c)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cleanup)
	return g
}

// BenchmarkServe drives the server with 64 concurrent HTTP clients over
// real TCP connections: the guest (a fresh instance per request) and the
// plain Go handler. Besides ns/op it reports requests per second, p50 and
// p99 latency, errors, and the growth of retained resident memory from
// the first tenth of the requests (at most 10,000) to the end:
//
//	go test ./examples/serve -run '^$' -bench Serve -benchtime 200000x
//
// TestLoadCompare alternates the two in rounds, for a fair ratio on a
// machine whose load changes.
func BenchmarkServe(b *testing.B) {
	g := loadGuest(b)
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"guest", g}, {"plain", http.HandlerFunc(plainHello)}} {
		b.Run(h.name, func(b *testing.B) {
			b.ResetTimer()
			s := drive(h.h, b.N)
			b.StopTimer()
			s.report(b)
		})
	}
}

// TestLoadCompare runs SERVE_LOAD requests (e.g. 20000) through the guest
// and through the plain handler, alternating, SERVE_ROUNDS times (default
// 5), and prints the median of each figure:
//
//	SERVE_LOAD=20000 go test ./examples/serve -run LoadCompare -v
func TestLoadCompare(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SERVE_LOAD"))
	if n <= 0 {
		t.Skip("a load test, not a unit test: set SERVE_LOAD to the requests per round to run it")
	}
	rounds, _ := strconv.Atoi(os.Getenv("SERVE_ROUNDS"))
	if rounds <= 0 {
		rounds = 5
	}
	g := loadGuest(t)
	var gs, ps []stats
	for r := 0; r < rounds; r++ {
		gs = append(gs, drive(g, n))
		ps = append(ps, drive(http.HandlerFunc(plainHello), n))
		t.Logf("round %d: guest %.0f req/s, plain %.0f req/s", r+1, gs[r].perSec(), ps[r].perSec())
	}
	med := func(ss []stats, f func(stats) float64) float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	for _, row := range []struct {
		name string
		ss   []stats
	}{{"guest", gs}, {"plain", ps}} {
		t.Logf("%s: median of %d rounds of %d requests, %d clients: %.0f req/s, p50 %.0f µs, p99 %.0f µs, %0.f errors, retained RSS growth %.1f%%",
			row.name, rounds, n, clients, med(row.ss, stats.perSec), med(row.ss, stats.p50), med(row.ss, stats.p99),
			med(row.ss, func(s stats) float64 { return float64(s.errs) }), med(row.ss, stats.rssGrowth))
	}
	ratios := make([]stats, rounds)
	for i := range ratios {
		ratios[i] = stats{n: int(1e6 * gs[i].perSec() / ps[i].perSec()), elapsed: time.Second}
	}
	t.Logf("guest/plain req/s, median of the rounds' ratios: %.2f", med(ratios, stats.perSec)/1e6)
}

// stats are one load run's figures.
type stats struct {
	n               int
	elapsed         time.Duration
	lat             []time.Duration // sorted, successes only
	errs            int64
	firstErr        string
	rssMark, rssEnd int64 // KiB, retained
}

func (s stats) perSec() float64 { return float64(s.n) / s.elapsed.Seconds() }
func (s stats) p50() float64    { return s.q(0.5) }
func (s stats) p99() float64    { return s.q(0.99) }

func (s stats) q(p float64) float64 {
	if len(s.lat) == 0 {
		return 0
	}
	return float64(s.lat[int(p*float64(len(s.lat)-1))].Microseconds())
}

func (s stats) rssGrowth() float64 {
	if s.rssMark == 0 {
		return 0
	}
	return 100 * float64(s.rssEnd-s.rssMark) / float64(s.rssMark)
}

func (s stats) report(b *testing.B) {
	b.ReportMetric(s.perSec(), "req/s")
	b.ReportMetric(s.p50(), "p50-µs")
	b.ReportMetric(s.p99(), "p99-µs")
	b.ReportMetric(float64(s.errs), "errors")
	if s.rssMark > 0 {
		b.ReportMetric(float64(s.rssEnd)/1024, "rss-MiB")
		b.ReportMetric(s.rssGrowth(), "rss-growth-%")
	}
	if s.firstErr != "" {
		b.Logf("first error: %s", s.firstErr)
	}
}

// drive sends n requests for /hello?name=edge to h over TCP from 64
// concurrent clients and checks every answer.
func drive(h http.Handler, n int) stats {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := srv.URL + "/hello?name=edge"
	var next, errs atomic.Int64
	var firstErr atomic.Value
	// One latency slot per request, touched before the clock starts, so
	// the harness's own memory does not grow while RSS is watched.
	lat := make([]time.Duration, n)
	for i := range lat {
		lat[i] = -1
	}
	mark := int64(min(10000, n/10))
	var rssMark atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					break
				}
				if i == mark {
					rssMark.Store(settledRSS())
				}
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || string(body) != "Hello, edge!\n" {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%d %q %v", resp.StatusCode, body, err))
					continue
				}
				lat[i-1] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	s := stats{n: n, elapsed: time.Since(start), errs: errs.Load(), rssMark: rssMark.Load()}
	if s.rssMark > 0 {
		s.rssEnd = settledRSS()
	}
	if e, ok := firstErr.Load().(string); ok {
		s.firstErr = e
	}
	s.lat = slices.DeleteFunc(lat, func(d time.Duration) bool { return d < 0 })
	slices.Sort(s.lat)
	return s
}

// settledRSS is the process's resident set once garbage is collected and
// returned to the OS: what is retained, not the collector's slack.
func settledRSS() int64 {
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n
		}
	}
	return 0
}
