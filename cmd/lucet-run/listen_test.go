package main

import (
	"fmt"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseSockaddr(t *testing.T) {
	v4 := func(a, b, c, d byte, port int) unix.Sockaddr {
		return &unix.SockaddrInet4{Port: port, Addr: [4]byte{a, b, c, d}}
	}
	v6 := func(port int, b ...byte) unix.Sockaddr {
		sa := &unix.SockaddrInet6{Port: port}
		copy(sa.Addr[:], b)
		return sa
	}
	for _, tt := range []struct {
		in   string
		want unix.Sockaddr // nil: an error
	}{
		{"127.0.0.1:8080", v4(127, 0, 0, 1, 8080)},
		{":0", v4(0, 0, 0, 0, 0)},
		{"localhost:65535", v4(127, 0, 0, 1, 65535)},
		{"10.1.2.255:1", v4(10, 1, 2, 255, 1)},
		{"[::1]:80", v6(80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
		{"[::]:80", v6(80)},
		{"[fe80::1:2]:9", v6(9, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2)},
		{"[1:2:3:4:5:6:7:8]:9", v6(9, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8)},
		{"[::ffff:1.2.3.4]:9", v6(9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4)},
		{"nonsense", nil},
		{"1.2.3.4", nil},
		{"1.2.3.4:65536", nil},
		{"1.2.3.4:-1", nil},
		{"1.2.3:80", nil},
		{"1.2.3.256:80", nil},
		{"01.2.3.4:80", nil},
		{"example.com:80", nil},
		{"[1:2:3:4:5:6:7]:80", nil},
		{"[1::2::3]:80", nil},
		{"[12345::]:80", nil},
		{"[1:2:3:4:5:6:7:8:9]:80", nil},
		{"[1:2:3:4::5:6:7:8]:80", nil},
		{"::1:80", nil},
	} {
		got, _, err := parseSockaddr(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("parseSockaddr(%q) = %+v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseSockaddr(%q): %v", tt.in, err)
			continue
		}
		switch w := tt.want.(type) {
		case *unix.SockaddrInet4:
			g, ok := got.(*unix.SockaddrInet4)
			if !ok || g.Port != w.Port || g.Addr != w.Addr {
				t.Errorf("parseSockaddr(%q) = %+v, want %+v", tt.in, got, w)
			}
		case *unix.SockaddrInet6:
			g, ok := got.(*unix.SockaddrInet6)
			if !ok || g.Port != w.Port || g.Addr != w.Addr {
				t.Errorf("parseSockaddr(%q) = %+v, want %+v", tt.in, got, w)
			}
		}
	}
}

// The socket --tcplisten hands the guest accepts real connections.
func TestListenTCP(t *testing.T) {
	f, err := listenTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sa, err := unix.Getsockname(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*unix.SockaddrInet4).Port
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	nfd, _, err := unix.Accept(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(nfd)
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if n, err := unix.Read(nfd, buf); err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("read %q, %v; want ping", buf[:n], err)
	}
	if _, err := listenTCP(fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		t.Error("a second listen on the same port succeeded")
	}
}
