// Command splitcodegen splits pkg/codegen into pipeline packages (ssa,
// frontend, regalloc, isa/amd64) by the tables in rules.go. It moves whole
// top-level declarations, exports the identifiers that become referenced
// across packages, qualifies references, fixes imports, adds aliases in
// pkg/codegen for exported names that moved (so callers keep compiling) and
// gofmts the result. See README.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const modPath = "github.com/lucet-go/lucet"

var (
	root   = flag.String("root", "../..", "repository root")
	dryRun = flag.Bool("n", false, "print the plan and import cycles, write nothing")
)

// decl is one top-level declaration and the source text it carries.
type decl struct {
	file       *srcFile
	node       ast.Decl
	start, end int // byte range in file.src, including preceding comments
	target     string
	names      []string
}

type srcFile struct {
	name   string
	src    []byte
	ast    *ast.File
	test   bool
	header string // text before the package clause (build tags, copyright)
	decls  []*decl
}

type edit struct {
	off, end int
	text     string
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "splitcodegen:", err)
		os.Exit(1)
	}
}

func run() error {
	abs, err := filepath.Abs(*root)
	if err != nil {
		return err
	}
	*root = abs
	dir := filepath.Join(*root, "pkg/codegen")
	// The source importer resolves imports from the current directory,
	// which must be inside the lucet module.
	if err := os.Chdir(dir); err != nil {
		return err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	var files []*srcFile
	var missing []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") {
			continue
		}
		if _, ok := fileRules[n]; !ok {
			missing = append(missing, n)
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, n, src, parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name != "codegen" {
			// package codegen_test only uses the exported API, which the
			// aliases keep: it stays in place untouched.
			if fileRules[n] != "" {
				return fmt.Errorf("%s is package %s: external tests must stay in pkg/codegen (rule \"\")", n, f.Name.Name)
			}
			continue
		}
		files = append(files, &srcFile{name: n, src: src, ast: f, test: strings.HasSuffix(n, "_test.go")})
	}
	if len(missing) > 0 {
		for _, n := range missing {
			fmt.Fprintf(os.Stderr, "no rule for %s: add it to fileRules in scripts/splitcodegen/rules.go\n", n)
		}
		return fmt.Errorf("%d file(s) without a rule", len(missing))
	}

	// Type-check the package with its in-package tests.
	info := &types.Info{
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Types:      map[ast.Expr]types.TypeAndValue{},
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	var asts []*ast.File
	for _, f := range files {
		asts = append(asts, f.ast)
	}
	pkg, err := conf.Check(modPath+"/pkg/codegen", fset, asts, info)
	if err != nil {
		return fmt.Errorf("type-checking pkg/codegen: %w", err)
	}

	// Cut every file into declarations and give each a target.
	usedDeclRules := map[string]bool{}
	for _, f := range files {
		tf := fset.File(f.ast.Pos())
		off := func(p token.Pos) int { return tf.Offset(p) }
		f.header = string(f.src[:off(f.ast.Package)])
		if f.ast.Doc != nil {
			f.header = string(f.src[:off(f.ast.Doc.Pos())])
		}
		prev := off(f.ast.Name.End())
		for _, d := range f.ast.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				prev = off(g.End())
				continue
			}
			dd := &decl{file: f, node: d, start: prev, end: off(d.End()), target: fileRules[f.name]}
			dd.names = declNames(d)
			for _, n := range dd.names {
				if t, ok := declRules[f.name+":"+n]; ok {
					dd.target = t
					usedDeclRules[f.name+":"+n] = true
				}
			}
			f.decls = append(f.decls, dd)
			prev = dd.end
		}
	}
	for k := range declRules {
		if !usedDeclRules[k] {
			return fmt.Errorf("decl rule %s matches no declaration", k)
		}
	}

	// declAt finds the declaration a position lies in.
	declAt := func(p token.Pos) *decl {
		name := fset.Position(p).Filename
		o := fset.Position(p).Offset
		for _, f := range files {
			if f.name != name {
				continue
			}
			i := sort.Search(len(f.decls), func(i int) bool { return f.decls[i].end >= o })
			if i < len(f.decls) && f.decls[i].start <= o {
				return f.decls[i]
			}
		}
		return nil
	}

	// Methods follow their receiver type.
	typeTarget := map[string]string{}
	for _, f := range files {
		for _, d := range f.decls {
			if g, ok := d.node.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, n := range d.names {
					typeTarget[n] = d.target
				}
			}
		}
	}
	for _, f := range files {
		for _, d := range f.decls {
			fd, ok := d.node.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			rt := recvTypeName(fd.Recv.List[0].Type)
			if t, ok := typeTarget[rt]; ok && t != d.target {
				if *dryRun {
					fmt.Printf("note: method %s.%s in %s goes to %q with its type, not %q\n", rt, fd.Name.Name, f.name, t, d.target)
				}
				d.target = t
			}
		}
	}

	// Which objects are referenced across packages?
	owner := func(obj types.Object) *decl {
		if obj == nil || obj.Pkg() != pkg || !obj.Pos().IsValid() {
			return nil
		}
		return declAt(obj.Pos())
	}
	export := map[types.Object]bool{}
	exportMethods := map[string]bool{} // method names, renamed package-wide
	deps := map[string]map[string][]string{}
	testOnly := []string{}
	for id, obj := range info.Uses {
		od := owner(obj)
		if od == nil {
			continue
		}
		ud := declAt(id.Pos())
		if ud == nil || ud.target == od.target {
			continue
		}
		if od.file.test && ud.target != od.target {
			testOnly = append(testOnly, fmt.Sprintf("%s (%s) used from %s in %q", obj.Name(), od.file.name, ud.file.name, ud.target))
		}
		if deps[ud.target] == nil {
			deps[ud.target] = map[string][]string{}
		}
		if !ud.file.test {
			deps[ud.target][od.target] = append(deps[ud.target][od.target], obj.Name())
		}
		if obj.Exported() {
			continue
		}
		if fn, ok := obj.(*types.Func); ok && fn.Signature().Recv() != nil {
			exportMethods[obj.Name()] = true
			continue
		}
		export[obj] = true
	}
	type keyIns struct {
		pos   token.Pos
		field *types.Var
	}
	var keyed []keyIns
	// An unkeyed composite literal of a struct from another package sets
	// every field: all of them must be exported.
	for _, f := range files {
		ast.Inspect(f.ast, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || len(lit.Elts) == 0 {
				return true
			}
			if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
				return true
			}
			tv, ok := info.Types[lit]
			if !ok {
				return true
			}
			named, ok := types.Unalias(tv.Type).(*types.Named)
			if !ok {
				return true
			}
			st, ok := named.Underlying().(*types.Struct)
			if !ok {
				return true
			}
			od, ud := owner(named.Obj()), declAt(lit.Pos())
			if od == nil || ud == nil || od.target == ud.target {
				return true
			}
			for i := 0; i < st.NumFields(); i++ {
				if fv := st.Field(i); !fv.Exported() {
					export[fv] = true
				}
			}
			// and go vet wants the keys spelled out across packages.
			for i, el := range lit.Elts {
				if i < st.NumFields() {
					keyed = append(keyed, keyIns{el.Pos(), st.Field(i)})
				}
			}
			return true
		})
	}
	if len(testOnly) > 0 {
		sort.Strings(testOnly)
		return fmt.Errorf("test helpers used across packages (move them with their users):\n  %s", strings.Join(testOnly, "\n  "))
	}

	// Package graph and cycles.
	pkgs := []string{""}
	seen := map[string]bool{"": true}
	for _, f := range files {
		for _, d := range f.decls {
			if !seen[d.target] {
				seen[d.target] = true
				pkgs = append(pkgs, d.target)
			}
		}
	}
	sort.Strings(pkgs)
	cycles := findCycles(pkgs, deps)
	if *dryRun {
		for _, f := range files {
			for _, d := range f.decls {
				fmt.Printf("%-22s %-40s -> %s\n", f.name, strings.Join(d.names, ","), pkgDir(d.target))
			}
		}
		for _, from := range pkgs {
			for _, to := range pkgs {
				if ns := deps[from][to]; len(ns) > 0 {
					fmt.Printf("dep %s -> %s: %s\n", pkgDir(from), pkgDir(to), summarize(ns))
				}
			}
		}
		var ex []string
		for o := range export {
			ex = append(ex, o.Name())
		}
		for m := range exportMethods {
			ex = append(ex, "(method) "+m)
		}
		sort.Strings(ex)
		fmt.Printf("exported (%d): %s\n", len(ex), strings.Join(ex, " "))
	}
	for _, c := range cycles {
		fmt.Printf("import cycle: %s\n", c)
	}
	if len(cycles) > 0 {
		return fmt.Errorf("%d import cycle(s)", len(cycles))
	}

	// New names, checked for collisions within each target.
	newName := map[types.Object]string{}
	taken := map[string]map[string]string{} // target -> name -> what
	for _, f := range files {
		for _, d := range f.decls {
			for _, n := range d.names {
				if taken[d.target] == nil {
					taken[d.target] = map[string]string{}
				}
				taken[d.target][n] = f.name
			}
		}
	}
	for o := range export {
		n := exported(o.Name())
		if n == o.Name() {
			return fmt.Errorf("cannot export %s", o.Name())
		}
		if o.Parent() == pkg.Scope() {
			t := owner(o).target
			if w, ok := taken[t][n]; ok {
				return fmt.Errorf("exporting %s in %q collides with %s in %s", o.Name(), pkgDir(t), n, w)
			}
		}
		newName[o] = n
	}
	// Methods and interface methods by name; fields of the same name too
	// would be a separate object, so collisions show up when compiling.
	for id, obj := range info.Defs {
		if fn, ok := obj.(*types.Func); ok && exportMethods[fn.Name()] && fn.Signature().Recv() != nil {
			newName[obj] = exported(fn.Name())
			_ = id
		}
	}

	// Edits: renames and qualification.
	edits := map[*srcFile][]edit{}
	imports := map[*decl]map[string]bool{} // decl -> target dirs it needs
	add := func(id *ast.Ident, text string) {
		d := declAt(id.Pos())
		if d == nil {
			return
		}
		o := fset.Position(id.Pos()).Offset
		edits[d.file] = append(edits[d.file], edit{o, o + len(id.Name), text})
	}
	for id, obj := range info.Defs {
		if n, ok := newName[obj]; ok {
			add(id, n)
		}
	}
	for id, obj := range info.Uses {
		od := owner(obj)
		name := id.Name
		if n, ok := newName[obj]; ok {
			name = n
		} else if fn, ok := obj.(*types.Func); ok && fn.Signature().Recv() != nil && exportMethods[fn.Name()] {
			name = exported(fn.Name())
		}
		ud := declAt(id.Pos())
		if od != nil && ud != nil && od.target != ud.target && obj.Parent() == pkg.Scope() {
			if imports[ud] == nil {
				imports[ud] = map[string]bool{}
			}
			imports[ud][od.target] = true
			name = pkgName(od.target) + "." + name
		}
		if name != id.Name {
			add(id, name)
		}
	}

	// A doc comment that begins with the old name follows the rename.
	for _, f := range files {
		for _, d := range f.decls {
			var doc *ast.CommentGroup
			var id *ast.Ident
			switch n := d.node.(type) {
			case *ast.FuncDecl:
				doc, id = n.Doc, n.Name
			case *ast.GenDecl:
				if len(n.Specs) != 1 {
					continue
				}
				doc = n.Doc
				switch sp := n.Specs[0].(type) {
				case *ast.TypeSpec:
					id = sp.Name
				case *ast.ValueSpec:
					id = sp.Names[0]
				}
			}
			if doc == nil || id == nil {
				continue
			}
			nn, ok := newName[info.Defs[id]]
			if !ok {
				continue
			}
			c := doc.List[0]
			if !strings.HasPrefix(c.Text, "// "+id.Name+" ") && !strings.HasPrefix(c.Text, "// "+id.Name+":") {
				continue
			}
			o := fset.Position(c.Pos()).Offset + 3
			edits[f] = append(edits[f], edit{o, o + len(id.Name), nn})
		}
	}

	for _, k := range keyed {
		d := declAt(k.pos)
		n := k.field.Name()
		if nn, ok := newName[k.field]; ok {
			n = nn
		}
		o := fset.Position(k.pos).Offset
		edits[d.file] = append(edits[d.file], edit{o, o, n + ": "})
	}

	// Assemble the output files.
	type outFile struct {
		pkg     string
		header  string
		body    bytes.Buffer
		imports map[string]string // path -> name ("" for default)
	}
	outs := map[string]*outFile{}
	var order []string
	for _, f := range files {
		fe := dedupe(edits[f])
		for _, d := range f.decls {
			path := filepath.Join(pkgDir(d.target), f.name)
			if n, ok := outNames[filepath.Join(d.target, f.name)]; ok {
				path = filepath.Join(pkgDir(d.target), n)
			}
			of := outs[path]
			if of == nil {
				of = &outFile{pkg: d.target, imports: map[string]string{}}
				if !strings.Contains(f.header, "// Package") {
					of.header = f.header
				}
				outs[path] = of
				order = append(order, path)
			}
			of.body.WriteString(apply(f.src, d.start, d.end, fe))
			of.body.WriteString("\n")
			// Original imports this declaration uses.
			for id, obj := range info.Uses {
				pn, ok := obj.(*types.PkgName)
				if !ok || declAt(id.Pos()) != d {
					continue
				}
				name := ""
				if pn.Imported().Name() != pn.Name() {
					name = pn.Name()
				}
				of.imports[pn.Imported().Path()] = name
			}
			for t := range imports[d] {
				of.imports[modPath+"/"+pkgDir(t)] = ""
			}
		}
	}
	// Qualifier names must not be shadowed by local names in the files
	// that use them.
	for _, f := range files {
		for id, obj := range info.Defs {
			if obj == nil || declAt(id.Pos()) == nil || declAt(id.Pos()).file != f {
				continue
			}
			d := declAt(id.Pos())
			for t := range imports[d] {
				if id.Name == pkgName(t) {
					return fmt.Errorf("%s: local name %s shadows the package it needs to import", fset.Position(id.Pos()), id.Name)
				}
			}
		}
	}

	// Aliases for exported names that left the driver and that code
	// outside pkg/codegen uses: the driver's own tests are qualified like
	// any other user, and an alias nobody needs only widens the API (and a
	// variable alias would add package initialisation).
	usedOutside, err := namesUsedOutside(*root)
	if err != nil {
		return err
	}
	var alias bytes.Buffer
	aliasImports := map[string]bool{}
	for _, f := range files {
		if f.test {
			continue
		}
		for _, d := range f.decls {
			if d.target == "" {
				continue
			}
			for _, n := range d.names {
				obj := pkg.Scope().Lookup(n)
				if obj == nil || !obj.Exported() || !usedOutside[n] {
					continue
				}
				q := pkgName(d.target) + "." + n
				aliasImports[d.target] = true
				switch obj.(type) {
				case *types.TypeName:
					fmt.Fprintf(&alias, "type %s = %s\n", n, q)
				case *types.Const:
					fmt.Fprintf(&alias, "const %s = %s\n", n, q)
				case *types.Func:
					fmt.Fprintf(&alias, "var %s = %s\n", n, q)
				case *types.Var:
					// Right for sentinels (errors.Is compares the
					// value); a variable someone assigns would need a
					// function instead, so say so.
					fmt.Fprintf(&alias, "var %s = %s // a copy taken at init\n", n, q)
					fmt.Fprintf(os.Stderr, "warning: variable %s moved; pkg/codegen keeps a copy: check that nobody assigns it\n", n)
				}
			}
		}
	}

	if *dryRun {
		sort.Strings(order)
		for _, p := range order {
			fmt.Println("write", p)
		}
		fmt.Printf("write pkg/codegen/api.go:\n%s", alias.String())
		return nil
	}

	// Write: remove the moved originals, then write every output.
	for _, f := range files {
		if err := os.Remove(filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	write := func(rel string, src []byte) error {
		p := filepath.Join(*root, rel)
		out, err := format.Source(src)
		if err != nil {
			os.WriteFile(p, src, 0o644)
			return fmt.Errorf("gofmt %s: %w", rel, err)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, out, 0o644)
	}
	for _, p := range order {
		of := outs[p]
		var b bytes.Buffer
		b.WriteString(of.header)
		fmt.Fprintf(&b, "package %s\n\n", pkgName(of.pkg))
		writeImports(&b, of.imports)
		b.Write(of.body.Bytes())
		if err := write(p, b.Bytes()); err != nil {
			return err
		}
	}
	if alias.Len() > 0 {
		var b bytes.Buffer
		b.WriteString("package codegen\n\n// Names that moved into the pipeline packages, kept so that callers of\n// pkg/codegen compile unchanged.\n\n")
		im := map[string]string{}
		for t := range aliasImports {
			im[modPath+"/"+pkgDir(t)] = ""
		}
		writeImports(&b, im)
		b.Write(alias.Bytes())
		if err := write("pkg/codegen/api.go", b.Bytes()); err != nil {
			return err
		}
	}
	for t, doc := range docs {
		if !seen[t] {
			continue
		}
		if err := write(filepath.Join(pkgDir(t), "doc.go"), []byte(doc+"package "+pkgName(t)+"\n")); err != nil {
			return err
		}
	}
	return nil
}

func writeImports(b *bytes.Buffer, im map[string]string) {
	if len(im) == 0 {
		return
	}
	var ps []string
	for p := range im {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	b.WriteString("import (\n")
	for _, p := range ps {
		if !strings.Contains(p, ".") {
			fmt.Fprintf(b, "\t%s %s\n", im[p], strconv.Quote(p))
		}
	}
	b.WriteString("\n")
	for _, p := range ps {
		if strings.Contains(p, ".") {
			fmt.Fprintf(b, "\t%s %s\n", im[p], strconv.Quote(p))
		}
	}
	b.WriteString(")\n\n")
}

func pkgDir(t string) string {
	if t == "" {
		return "pkg/codegen"
	}
	return "pkg/codegen/" + t
}

func pkgName(t string) string {
	if t == "" {
		return "codegen"
	}
	return filepath.Base(t)
}

func exported(n string) string {
	r, sz := utf8.DecodeRuneInString(n)
	return string(unicode.ToUpper(r)) + n[sz:]
}

func declNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil {
			return []string{recvTypeName(d.Recv.List[0].Type) + "." + d.Name.Name}
		}
		return []string{d.Name.Name}
	case *ast.GenDecl:
		var ns []string
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				ns = append(ns, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					ns = append(ns, n.Name)
				}
			}
		}
		return ns
	}
	return nil
}

func recvTypeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(e.X)
	case *ast.IndexExpr:
		return recvTypeName(e.X)
	case *ast.IndexListExpr:
		return recvTypeName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}

func dedupe(es []edit) []edit {
	// Insertions (off == end) go before a replacement at the same offset.
	sort.Slice(es, func(i, j int) bool {
		if es[i].off != es[j].off {
			return es[i].off < es[j].off
		}
		return es[i].end < es[j].end
	})
	var out []edit
	for _, e := range es {
		if len(out) > 0 && out[len(out)-1].off == e.off && out[len(out)-1].end == e.end {
			// An embedded field is both a use of a type and a field:
			// keep the qualified form.
			if len(e.text) > len(out[len(out)-1].text) {
				out[len(out)-1] = e
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

func apply(src []byte, start, end int, es []edit) string {
	var b strings.Builder
	p := start
	for _, e := range es {
		if e.off < start || e.off >= end {
			continue
		}
		b.Write(src[p:e.off])
		b.WriteString(e.text)
		p = e.end
	}
	b.Write(src[p:end])
	return b.String()
}

func summarize(ns []string) string {
	c := map[string]int{}
	for _, n := range ns {
		c[n]++
	}
	var u []string
	for n := range c {
		u = append(u, n)
	}
	sort.Strings(u)
	if len(u) > 12 {
		return strings.Join(u[:12], " ") + fmt.Sprintf(" ... (%d names)", len(u))
	}
	return strings.Join(u, " ")
}

func findCycles(pkgs []string, deps map[string]map[string][]string) []string {
	var out []string
	state := map[string]int{}
	var stack []string
	var visit func(p string)
	visit = func(p string) {
		state[p] = 1
		stack = append(stack, p)
		for _, q := range pkgs {
			if len(deps[p][q]) == 0 {
				continue
			}
			switch state[q] {
			case 0:
				visit(q)
			case 1:
				i := len(stack) - 1
				for stack[i] != q {
					i--
				}
				var c []string
				for _, s := range stack[i:] {
					c = append(c, pkgDir(s))
				}
				c = append(c, pkgDir(q))
				out = append(out, strings.Join(c, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = 2
	}
	for _, p := range pkgs {
		if state[p] == 0 {
			visit(p)
		}
	}
	return out
}

// namesUsedOutside returns the names X that Go files of the repository
// outside pkg/codegen (and outside this tool) refer to as codegen.X.
func namesUsedOutside(root string) (map[string]bool, error) {
	re := regexp.MustCompile(`\bcodegen\.([A-Z][A-Za-z0-9_]*)`)
	used := map[string]bool{}
	skip := map[string]bool{
		filepath.Join(root, "pkg/codegen"):          true,
		filepath.Join(root, "scripts/splitcodegen"): true,
		filepath.Join(root, ".git"):                 true,
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[p] {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			used[string(m[1])] = true
		}
		return nil
	})
	return used, err
}
