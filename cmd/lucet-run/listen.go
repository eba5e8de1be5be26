package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// listenTCP opens a listening TCP socket for --tcplisten. It uses the socket
// calls directly rather than package net, whose initialisation (and the
// netip/unique machinery under it) every lucet-run start would otherwise pay
// for, to serve a flag few runs use. Only literal addresses are accepted, plus
// "localhost" and an empty host (all interfaces), as wasmtime's flag takes a
// socket address.
func listenTCP(addr string) (*os.File, error) {
	sa, family, err := parseSockaddr(addr)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	// As net.Listen: a restarted server must not wait out TIME_WAIT.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("setsockopt: %w", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind: %w", err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("listen: %w", err)
	}
	return os.NewFile(uintptr(fd), "tcp:"+addr), nil
}

// parseSockaddr reads HOST:PORT, where HOST is an IPv4 literal, a bracketed
// IPv6 literal, "localhost" or empty.
func parseSockaddr(addr string) (unix.Sockaddr, int, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return nil, 0, errors.New("want HOST:PORT")
	}
	host, ps := addr[:i], addr[i+1:]
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return nil, 0, fmt.Errorf("bad port %q", ps)
	}
	switch {
	case host == "":
		return &unix.SockaddrInet4{Port: int(port)}, unix.AF_INET, nil
	case host == "localhost":
		return &unix.SockaddrInet4{Port: int(port), Addr: [4]byte{127, 0, 0, 1}}, unix.AF_INET, nil
	case strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]"):
		ip, ok := parseIPv6(host[1 : len(host)-1])
		if !ok {
			return nil, 0, fmt.Errorf("bad IPv6 address %q", host)
		}
		return &unix.SockaddrInet6{Port: int(port), Addr: ip}, unix.AF_INET6, nil
	}
	ip, ok := parseIPv4(host)
	if !ok {
		return nil, 0, fmt.Errorf("bad host %q: want an IP address, [IPv6], localhost or nothing", host)
	}
	return &unix.SockaddrInet4{Port: int(port), Addr: ip}, unix.AF_INET, nil
}

func parseIPv4(s string) (ip [4]byte, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return ip, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return ip, false
		}
		v, err := strconv.ParseUint(p, 10, 8)
		if err != nil {
			return ip, false
		}
		ip[i] = byte(v)
	}
	return ip, true
}

// parseIPv6 reads the RFC 4291 text forms: eight groups, "::" standing for a
// run of zero groups, and an IPv4 tail (::ffff:1.2.3.4).
func parseIPv6(s string) (ip [16]byte, ok bool) {
	var groups []uint16
	var tail []uint16
	head, rest, compressed := strings.Cut(s, "::")
	parse := func(part string, dst *[]uint16, allowV4 bool) bool {
		if part == "" {
			return true
		}
		fields := strings.Split(part, ":")
		for i, f := range fields {
			if allowV4 && i == len(fields)-1 && strings.Contains(f, ".") {
				v4, ok := parseIPv4(f)
				if !ok {
					return false
				}
				*dst = append(*dst, uint16(v4[0])<<8|uint16(v4[1]), uint16(v4[2])<<8|uint16(v4[3]))
				continue
			}
			if len(f) == 0 || len(f) > 4 {
				return false
			}
			v, err := strconv.ParseUint(f, 16, 16)
			if err != nil {
				return false
			}
			*dst = append(*dst, uint16(v))
		}
		return true
	}
	if compressed {
		if strings.Contains(rest, "::") || !parse(head, &groups, false) || !parse(rest, &tail, true) {
			return ip, false
		}
		if len(groups)+len(tail) > 7 {
			return ip, false
		}
		groups = append(groups, make([]uint16, 8-len(groups)-len(tail))...)
		groups = append(groups, tail...)
	} else if !parse(s, &groups, true) || len(groups) != 8 {
		return ip, false
	}
	for i, g := range groups {
		ip[2*i], ip[2*i+1] = byte(g>>8), byte(g)
	}
	return ip, true
}
