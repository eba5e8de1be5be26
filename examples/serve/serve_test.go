package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func testConfig() config {
	return config{guest: "guest/guest.wasm", timeout: time.Second, maxMemory: "4MiB", maxOutput: "64KiB",
		maxBody: "64KiB", maxInstances: 64, layout: "guard", drain: 5 * time.Second}
}

func TestMain(m *testing.M) {
	if os.Getenv("LUCET_CACHE_DIR") == "" {
		if d, err := os.MkdirTemp("", "serve-cache"); err == nil {
			os.Setenv("LUCET_CACHE_DIR", d)
			code := m.Run()
			os.RemoveAll(d)
			os.Exit(code)
		}
	}
	os.Exit(m.Run())
}

// Every way a request can end: the server answers each, and lives on.
func TestRoutes(t *testing.T) {
	for _, layout := range []string{"guard", "dense"} {
		t.Run(layout, func(t *testing.T) {
			c := testConfig()
			c.layout = layout
			g, cleanup, err := newGuest(c)
			if err != nil {
				t.Fatal(err)
			}
			defer cleanup()
			g.Log = log.New(io.Discard, "", 0)
			srv := httptest.NewServer(g)
			defer srv.Close()
			for _, tt := range []struct {
				method, path, body string
				code               int
				want               string
			}{
				{"GET", "/hello?name=edge", "", 200, "Hello, edge!\n"},
				{"POST", "/echo", "the request body", 200, "the request body"},
				{"GET", "/trap", "", 500, "the guest trapped: unreachable\n"},
				{"GET", "/spin", "", 504, "the guest timed out\n"},
				{"GET", "/flood", "", 502, "the guest's response is too large\n"},
				{"GET", "/grow", "", 507, "allocated 3 MiB before running out\n"},
				{"GET", "/nope", "", 404, "no such route\n"},
				{"POST", "/echo", strings.Repeat("x", 100<<10), 413, "request body too large\n"},
				{"GET", "/hello", "", 200, "Hello, world!\n"},
			} {
				req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatalf("%s: %v", tt.path, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.code || string(b) != tt.want {
					t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, b, tt.code, tt.want)
				}
			}
			if n := g.Pool.Live(); n != 0 {
				t.Errorf("%d instances left alive", n)
			}
		})
	}
}

// Shutdown lets a request in flight finish and then stops listening.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log.SetOutput(io.Discard)
	defer log.SetOutput(os.Stderr)
	ctx, cancel := context.WithCancel(context.Background())
	guests := make(chan *Guest, 1)
	guestReady = func(g *Guest) { guests <- g }
	defer func() { guestReady = func(*Guest) {} }()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, testConfig()) }()
	g := <-guests
	url := "http://" + ln.Addr().String()
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// /spin runs until its 1 s limit; shut down while it does.
	type result struct {
		code int
		err  error
	}
	rc := make(chan result, 1)
	go func() {
		resp, err := http.Get(url + "/spin")
		if err != nil {
			rc <- result{err: err}
			return
		}
		resp.Body.Close()
		rc <- result{code: resp.StatusCode}
	}()
	// Shut down once the request is running in its instance (a fixed
	// sleep raced the request on a loaded machine).
	for g.Pool.Live() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if r := <-rc; r.err != nil || r.code != http.StatusGatewayTimeout {
		t.Errorf("request in flight at shutdown: %d, %v", r.code, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get(url + "/hello"); err == nil {
		t.Error("still serving after shutdown")
	}
}
