// Command serve is an HTTP server that handles every request in a fresh
// WebAssembly instance: a CGI-style WASI guest reads the request from its
// environment and stdin and writes the response to stdout, the way Lucet's
// Terrarium and `wasmtime serve` give each request an instance of its own.
// Each request is bounded in memory, time and output; a guest that traps
// or times out gets a 5xx and the server carries on. SIGINT or SIGTERM
// stops it gracefully: no new connections, in-flight requests finish.
//
//	go run ./examples/serve -addr :8080 -guest examples/serve/guest/guest.wasm
//	curl 'localhost:8080/hello?name=edge'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/lucet-go/lucet"
)

type config struct {
	addr         string
	guest        string
	timeout      time.Duration
	maxMemory    string
	maxOutput    string
	maxBody      string
	maxInstances int
	layout       string
	drain        time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.addr, "addr", ":8080", "listen address")
	flag.StringVar(&c.guest, "guest", "examples/serve/guest/guest.wasm", "the guest module (.wasm or a .so from lucetc)")
	flag.DurationVar(&c.timeout, "timeout", time.Second, "time limit per request")
	flag.StringVar(&c.maxMemory, "max-memory", "16MiB", "linear memory limit per request")
	flag.StringVar(&c.maxOutput, "max-output", "1MiB", "response size limit per request")
	flag.StringVar(&c.maxBody, "max-body", "1MiB", "request body limit")
	flag.IntVar(&c.maxInstances, "max-instances", 1024, "requests served at once; more get 503")
	flag.StringVar(&c.layout, "layout", "guard", "instance layout: guard or dense")
	flag.DurationVar(&c.drain, "drain", 10*time.Second, "how long shutdown waits for in-flight requests")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := serve(ctx, ln, c); err != nil {
		log.Fatal(err)
	}
}

// guestReady lets a test watch the guest serve runs (its pool's load).
var guestReady = func(*Guest) {}

// serve runs the server on ln until ctx is done, then shuts it down
// gracefully.
func serve(ctx context.Context, ln net.Listener, c config) error {
	h, cleanup, err := newGuest(c)
	if err != nil {
		return err
	}
	defer cleanup()
	guestReady(h)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("/", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Printf("serving %s on %s", c.guest, ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("shutting down: waiting up to %s for requests in flight", c.drain)
	sctx, cancel := context.WithTimeout(context.Background(), c.drain)
	defer cancel()
	err = srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// newGuest compiles the guest and makes the pool its requests run in.
func newGuest(c config) (*Guest, func(), error) {
	layout, err := lucet.ParseLayout(c.layout)
	if err != nil {
		return nil, nil, err
	}
	var mem, out, body uint64
	for _, s := range []struct {
		v   string
		dst *uint64
	}{{c.maxMemory, &mem}, {c.maxOutput, &out}, {c.maxBody, &body}} {
		if *s.dst, err = humanize.ParseBytes(s.v); err != nil {
			return nil, nil, err
		}
	}
	rt := lucet.NewRuntime(lucet.RuntimeConfig{Layout: layout})
	mod, err := rt.LoadModule(c.guest)
	if err != nil {
		return nil, nil, err
	}
	pool, err := rt.NewPool(lucet.PoolConfig{
		MaxInstances: c.maxInstances,
		Limits:       lucet.Limits{MaxMemoryBytes: mem, Timeout: c.timeout, MaxOutputBytes: int64(out)},
	})
	if err != nil {
		mod.Close()
		return nil, nil, err
	}
	g := &Guest{Pool: pool, Module: mod, Timeout: c.timeout, MaxBody: int64(body)}
	return g, func() { pool.Close(); mod.Close() }, nil
}
