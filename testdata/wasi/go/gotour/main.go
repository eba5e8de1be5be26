// Command gotour is a WASI test program for lucet built with
// GOOS=wasip1: it exercises the Go runtime and standard library over WASI
// (args, environment, files in a granted directory, stdin, JSON, time,
// sort/strings) and exits with the code given as its second argument.
//
// Usage: gotour DIR EXITCODE [WORDS...]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

type record struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  []string          `json:"tags"`
	Attrs map[string]string `json:"attrs,omitempty"`
	Ratio float64           `json:"ratio"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gotour DIR EXITCODE [WORDS...]")
		os.Exit(2)
	}
	dir := os.Args[1]
	code, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotour: bad exit code:", err)
		os.Exit(2)
	}
	words := os.Args[3:]
	fmt.Printf("args: %d words: %q\n", len(words), words)

	// Environment: only what was granted.
	env := os.Environ()
	sort.Strings(env)
	fmt.Printf("environ: %q\n", env)
	fmt.Printf("GREETING=%q\n", os.Getenv("GREETING"))
	_, ok := os.LookupEnv("HOME")
	fmt.Printf("HOME set: %v\n", ok)

	// sort + strings.
	sorted := append([]string(nil), words...)
	sort.Strings(sorted)
	fmt.Printf("sorted: %s\n", strings.Join(sorted, ","))
	var b strings.Builder
	for i, w := range sorted {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(w))
	}
	fmt.Printf("upper: %s\n", b.String())
	byLen := append([]string(nil), words...)
	sort.SliceStable(byLen, func(i, j int) bool { return len(byLen[i]) < len(byLen[j]) })
	fmt.Printf("by length: %v\n", byLen)

	// JSON through a file in the granted directory.
	in := record{Name: "lucet", Count: len(words), Tags: sorted, Attrs: map[string]string{"b": "2", "a": "1"}, Ratio: 0.25}
	data, err := json.MarshalIndent(in, "", "  ")
	must(err)
	path := filepath.Join(dir, "record.json")
	must(os.WriteFile(path, data, 0o644))
	st, err := os.Stat(path)
	must(err)
	fmt.Printf("wrote %s: %d bytes (stat %d), mode regular: %v\n", filepath.Base(path), len(data), st.Size(), st.Mode().IsRegular())
	back, err := os.ReadFile(path)
	must(err)
	var out record
	must(json.Unmarshal(back, &out))
	fmt.Printf("round trip: %+v\n", out)
	compact, err := json.Marshal(out)
	must(err)
	fmt.Printf("compact: %s\n", compact)

	// Seeded input file, appended to, renamed, removed.
	seed, err := os.ReadFile(filepath.Join(dir, "seed.txt"))
	must(err)
	fmt.Printf("seed.txt: %q\n", seed)
	f, err := os.OpenFile(filepath.Join(dir, "log.txt"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must(err)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(f, "entry %d\n", i)
	}
	must(f.Close())
	must(os.Rename(filepath.Join(dir, "log.txt"), filepath.Join(dir, "log.old")))
	logData, err := os.ReadFile(filepath.Join(dir, "log.old"))
	must(err)
	fmt.Printf("log.old: %q\n", logData)
	_, err = os.Stat(filepath.Join(dir, "log.txt"))
	fmt.Printf("log.txt after rename: not exist: %v\n", errors.Is(err, fs.ErrNotExist))
	must(os.Remove(filepath.Join(dir, "log.old")))
	entries, err := os.ReadDir(dir)
	must(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	fmt.Printf("dir now: %v\n", names)

	// stdin, line by line.
	sc := bufio.NewScanner(os.Stdin)
	lines, nwords := 0, 0
	for sc.Scan() {
		lines++
		nwords += len(strings.Fields(sc.Text()))
	}
	must(sc.Err())
	fmt.Printf("stdin: %d lines, %d words\n", lines, nwords)

	// time: wall clock is plausible, monotonic sleep is at least as asked.
	now := time.Now()
	fmt.Printf("year after 2020: %v\n", now.Year() > 2020)
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	el := time.Since(start)
	fmt.Printf("slept at least 20ms: %v\n", el >= 20*time.Millisecond)
	timer := time.NewTimer(10 * time.Millisecond)
	select {
	case <-timer.C:
		fmt.Println("timer fired")
	case <-time.After(5 * time.Second):
		fmt.Println("timer did not fire")
	}
	d, err := time.ParseDuration("1h15m30.5s")
	must(err)
	fmt.Printf("duration: %v = %.1fs\n", d, d.Seconds())
	t := time.Date(2024, 2, 29, 13, 4, 5, 0, time.UTC)
	fmt.Printf("date: %s, weekday %s, +1y %s\n", t.Format(time.RFC3339), t.Weekday(), t.AddDate(1, 0, 0).Format("2006-01-02"))

	fmt.Fprintf(os.Stderr, "gotour: exiting with %d\n", code)
	os.Exit(code)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gotour:", err)
		os.Exit(1)
	}
}
