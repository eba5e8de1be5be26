// Command cpualt runs commands alternately and reports, for each, the
// median and mean of the user+sys CPU time of its runs, the median wall
// time and the median of its minor page faults (which move with the
// runtime's choice of P at start: a median, not a mean). scripts/startup.sh uses it (CPU_RUNS=n): per-run CPU time, with
// every command's runs interleaved one by one, is the steadiest start-up
// measure on a machine others load.
//
//	go run ./scripts/cpualt RUNS NAME=COMMAND [NAME=COMMAND...]
//
// COMMAND is split at spaces; its output is discarded.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: cpualt RUNS NAME=COMMAND...")
		os.Exit(2)
	}
	runs, err := strconv.Atoi(os.Args[1])
	if err != nil || runs < 1 {
		fmt.Fprintf(os.Stderr, "cpualt: RUNS %q: want a positive number\n", os.Args[1])
		os.Exit(2)
	}
	type command struct {
		name      string
		argv      []string
		cpu, wall []float64
		faults    []float64
	}
	var cmds []*command
	for _, a := range os.Args[2:] {
		name, line, ok := strings.Cut(a, "=")
		if !ok || len(strings.Fields(line)) == 0 {
			fmt.Fprintf(os.Stderr, "cpualt: %q: want NAME=COMMAND\n", a)
			os.Exit(2)
		}
		cmds = append(cmds, &command{name: name, argv: strings.Fields(line)})
	}
	for i := 0; i < runs; i++ {
		for k := range cmds {
			c := cmds[(k+i)%len(cmds)] // rotate the order each round
			p := exec.Command(c.argv[0], c.argv[1:]...)
			start := time.Now()
			if err := p.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "cpualt: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			wall := time.Since(start)
			cpu := p.ProcessState.UserTime() + p.ProcessState.SystemTime()
			c.cpu = append(c.cpu, ms(cpu))
			c.wall = append(c.wall, ms(wall))
			if ru, ok := p.ProcessState.SysUsage().(*syscall.Rusage); ok {
				c.faults = append(c.faults, float64(ru.Minflt))
			}
		}
	}
	fmt.Println("| command | runs | median user+sys CPU ms | mean CPU ms | median wall ms | median minor faults | CPU minus first ms |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	first := median(cmds[0].cpu)
	for _, c := range cmds {
		m := median(c.cpu)
		fmt.Printf("| %s | %d | %.2f | %.2f | %.2f | %.0f | %+.2f |\n", c.name, len(c.cpu), m, mean(c.cpu), median(c.wall), median(c.faults), m-first)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}

func mean(x []float64) float64 {
	t := 0.0
	for _, v := range x {
		t += v
	}
	return t / float64(len(x))
}
