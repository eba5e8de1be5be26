package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lucet-go/lucet"
)

// Guest serves each request with a fresh instance of a CGI-style WASI
// module: the request goes in as the environment and stdin, the response
// comes out of stdout. Nothing survives a request but the compiled code,
// so there is no state to share between replicas.
type Guest struct {
	Pool    *lucet.Pool
	Module  *lucet.Module
	Timeout time.Duration // per request, on top of the client's context
	MaxBody int64         // request body limit
	Log     *log.Logger   // guest failures; nil: log's default
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (g *Guest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.MaxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), g.Timeout)
	defer cancel()
	out := buffers.Get().(*bytes.Buffer)
	out.Reset()
	defer buffers.Put(out)

	inst, err := g.Pool.Instantiate(ctx, g.Module, lucet.InstanceConfig{WASI: &lucet.WASIConfig{
		Args:   []string{g.Module.Name()},
		Env:    cgiEnv(r, len(body)),
		Stdin:  bytes.NewReader(body),
		Stdout: out,
	}})
	if err != nil {
		if errors.Is(err, lucet.ErrPoolFull) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "server busy", http.StatusServiceUnavailable)
			return
		}
		g.fail(w, r, http.StatusInternalServerError, "cannot start the guest", err)
		return
	}
	status, err := inst.Run(ctx)
	inst.Close()
	switch {
	case r.Context().Err() != nil:
		return // the client has gone
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, lucet.ErrTimeout):
		g.fail(w, r, http.StatusGatewayTimeout, "the guest timed out", err)
		return
	case errors.Is(err, lucet.ErrOutputLimit):
		g.fail(w, r, http.StatusBadGateway, "the guest's response is too large", err)
		return
	case err != nil:
		var trap *lucet.Trap
		msg := "the guest failed"
		if errors.As(err, &trap) {
			msg = "the guest trapped: " + trap.Code.String()
		}
		g.fail(w, r, http.StatusInternalServerError, msg, err)
		return
	case status != 0:
		g.fail(w, r, http.StatusInternalServerError, fmt.Sprintf("the guest exited with status %d", status), nil)
		return
	}
	if err := writeCGI(w, out.Bytes()); err != nil {
		g.fail(w, r, http.StatusBadGateway, "the guest's response is malformed", err)
	}
}

func (g *Guest) fail(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	l := g.Log
	if l == nil {
		l = log.Default()
	}
	if err != nil {
		l.Printf("%s %s: %s: %v", r.Method, r.URL.Path, msg, err)
	}
	http.Error(w, msg, code)
}

// cgiEnv is the request as RFC 3875's meta-variables.
func cgiEnv(r *http.Request, n int) []string {
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"SERVER_PROTOCOL=" + r.Proto,
		"REQUEST_METHOD=" + r.Method,
		"PATH_INFO=" + r.URL.Path,
		"QUERY_STRING=" + r.URL.RawQuery,
		"REQUEST_URI=" + r.URL.RequestURI(),
		"REMOTE_ADDR=" + r.RemoteAddr,
		"SERVER_NAME=" + r.Host,
	}
	if n > 0 {
		env = append(env, "CONTENT_LENGTH="+strconv.Itoa(n))
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		env = append(env, "CONTENT_TYPE="+ct)
	}
	for k, v := range r.Header {
		if k == "Content-Type" || k == "Content-Length" || k == "Proxy" {
			continue // Proxy: httpoxy
		}
		env = append(env, "HTTP_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))+"="+strings.Join(v, ", "))
	}
	return env
}

// writeCGI sends a CGI response: header lines, a blank line, the body.
// A Status header sets the code (default 200).
func writeCGI(w http.ResponseWriter, out []byte) error {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(out)))
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		return err
	}
	code := http.StatusOK
	if s := hdr.Get("Status"); s != "" {
		f, _, _ := strings.Cut(s, " ")
		if code, err = strconv.Atoi(f); err != nil || code < 100 || code > 999 {
			return fmt.Errorf("bad Status %q", s)
		}
		hdr.Del("Status")
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	body, _ := io.ReadAll(tp.R)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
	return nil
}
