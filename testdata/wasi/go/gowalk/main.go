// Command gowalk is a WASI test program for lucet built with GOOS=wasip1:
// it walks the granted directory with filepath.WalkDir and prints every
// entry (WalkDir visits in lexical order, so the output is deterministic),
// with a SHA-256 of each file, then builds, walks and removes a deeper tree.
//
// Usage: gowalk DIR
package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gowalk DIR")
		os.Exit(2)
	}
	root := os.Args[1]
	fmt.Println("== seeded tree")
	walk(root)

	deep := filepath.Join(root, "gen", "a", "b", "c", "d")
	must(os.MkdirAll(deep, 0o755))
	for i, d := range []string{"gen", "gen/a", "gen/a/b", "gen/a/b/c", deep} {
		p := d
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, d)
		}
		must(os.WriteFile(filepath.Join(p, fmt.Sprintf("f%d.txt", i)), []byte(fmt.Sprintf("level %d\n", i)), 0o644))
	}
	must(os.Symlink("a/b", filepath.Join(root, "gen", "link")))
	fmt.Println("== after MkdirAll")
	walk(filepath.Join(root, "gen"))

	// SkipDir prunes a subtree.
	fmt.Println("== skipping gen/a/b")
	must(filepath.WalkDir(filepath.Join(root, "gen"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == filepath.Join("gen", "a", "b") {
			return filepath.SkipDir
		}
		fmt.Println(rel)
		return nil
	}))

	must(os.RemoveAll(filepath.Join(root, "gen")))
	_, err := os.Stat(filepath.Join(root, "gen"))
	fmt.Printf("gen removed: %v\n", os.IsNotExist(err))
	matches, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	must(err)
	for i, m := range matches {
		matches[i], _ = filepath.Rel(root, m)
	}
	fmt.Printf("glob docs/*.md: %v\n", matches)
}

// walk prints one line per entry below root: its path relative to root,
// its kind, and for files the size and a short SHA-256.
func walk(root string) {
	files, dirs, total := 0, 0, int64(0)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Printf("l %s -> %s\n", rel, target)
		case d.IsDir():
			dirs++
			fmt.Printf("d %s/\n", rel)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			files++
			total += info.Size()
			fmt.Printf("f %s %d %x\n", rel, info.Size(), sha256.Sum256(data))
		}
		return nil
	})
	must(err)
	fmt.Printf("%d dirs, %d files, %d bytes\n", dirs, files, total)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gowalk:", err)
		os.Exit(1)
	}
}
