package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHandler is one request through each handler without the
// network: what the guest adds to a request (instantiate, run, close,
// CGI) against the plain handler's work.
func BenchmarkHandler(b *testing.B) {
	g := loadGuest(b)
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"guest", g}, {"plain", http.HandlerFunc(plainHello)}} {
		b.Run(h.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/hello?name=edge", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		})
	}
}
