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

// BenchmarkServe drives the server with 64 concurrent HTTP clients over
// real TCP connections: the guest (a fresh instance per request) and the
// plain Go handler, in the same run. Besides ns/op it reports requests per
// second, p50 and p99 latency, errors, and the growth of resident memory
// from the first tenth of the requests (at most 10,000) to the end:
//
//	go test ./examples/serve -run '^$' -bench Serve -benchtime 200000x
func BenchmarkServe(b *testing.B) {
	log.SetOutput(io.Discard)
	defer log.SetOutput(os.Stderr)
	// Limits for a loaded, shared machine: a request that waits for a
	// CPU is not a guest that runs away.
	c := testConfig()
	c.timeout, c.maxInstances = 10*time.Second, 1024
	g, cleanup, err := newGuest(c)
	if err != nil {
		b.Fatal(err)
	}
	defer cleanup()
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"guest", g}, {"plain", http.HandlerFunc(plainHello)}} {
		b.Run(h.name, func(b *testing.B) { load(b, h.h) })
	}
}

func load(b *testing.B, h http.Handler) {
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
	lat := make([]time.Duration, b.N)
	for i := range lat {
		lat[i] = -1
	}
	mark := int64(min(10000, b.N/10))
	var rssMark atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
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
	elapsed := time.Since(start)
	b.StopTimer()
	lat = slices.DeleteFunc(lat, func(d time.Duration) bool { return d < 0 })
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds())
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.5), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(float64(errs.Load()), "errors")
	if e := firstErr.Load(); e != nil {
		b.Logf("first error: %s", e)
	}
	if m := rssMark.Load(); m > 0 {
		end := settledRSS()
		b.ReportMetric(float64(end)/1024, "rss-MiB")
		b.ReportMetric(100*float64(end-m)/float64(m), "rss-growth-%")
	}
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
