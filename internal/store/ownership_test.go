package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the repository's root, two levels above this package.
const repoRoot = "../.."

// exempt are the packages allowed to name any table, and why.
var exempt = map[string]string{
	// A load-test tool that COPYs synthetic rows into every table of a
	// disposable benchmark database (README, "Who owns which table").
	"cmd/ipcase-bench": "bulk seeder",
	// The test helper reads, read-only, the events of each test database
	// before dropping it, to check every payload against the published
	// schema (api/events/payloads.schema.json).
	"internal/store/storetest": "payload schema check of test databases",
}

// owners reads the table → package list from the README's "Who owns which
// table" section: the one place it is kept.
func owners(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Who owns which table")
	if !ok {
		t.Fatal("README.md has no section \"Who owns which table\"")
	}
	section, _, _ = strings.Cut(section, "\n### ")
	row := regexp.MustCompile(`(?m)^\| ([a-z_]+) \| (internal/[a-z/]+) \|$`)
	out := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		if prev, dup := out[m[1]]; dup {
			t.Errorf("README lists %s twice (%s, %s)", m[1], prev, m[2])
		}
		out[m[1]] = m[2]
	}
	if len(out) == 0 {
		t.Fatal("README's ownership table has no rows")
	}
	return out
}

// createdTables are the tables the migrations create.
func createdTables(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "internal/store/migrations/*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v (%d files)", err, len(files))
	}
	create := regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)`)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// TestEveryTableHasOneOwner: the README lists each table the migrations
// create, once; a listed table no migration creates is the migration
// runner's own.
func TestEveryTableHasOneOwner(t *testing.T) {
	t.Parallel()
	own := owners(t)
	created := createdTables(t)
	for _, table := range created {
		if _, ok := own[table]; !ok {
			t.Errorf("table %s, created by a migration, has no owner in README.md", table)
		}
	}
	for table, pkg := range own {
		if !slices.Contains(created, table) && pkg != "internal/store" {
			t.Errorf("README.md lists %s (owner %s), which no migration creates", table, pkg)
		}
	}
}

// TestTablesAreNamedOnlyByTheirOwners: no package names, in SQL or as a
// gorm table, a table another package owns. A table is named by a string
// literal that uses it after FROM, JOIN, INTO, UPDATE, TABLE, ANALYZE or
// COPY, or by a literal that is exactly its name where a table is expected:
// the argument of Table, NewDocuments or pgx.Identifier, or what a
// TableName method returns. Test files are not checked: a test may count
// every table to prove a refused call wrote nothing.
func TestTablesAreNamedOnlyByTheirOwners(t *testing.T) {
	t.Parallel()
	own := owners(t)
	var names []string
	for table := range own {
		names = append(names, table)
	}
	sqlUse := regexp.MustCompile(`(?i)\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ANALYZE|COPY)\s+(?:ONLY\s+)?(` + strings.Join(names, "|") + `)\b`)
	fset := token.NewFileSet()
	var violations []string
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, path)
			pkg := filepath.ToSlash(filepath.Dir(rel))
			if _, ok := exempt[pkg]; ok {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, table := range tablesNamed(f, sqlUse, own) {
				if owner := own[table]; owner != pkg {
					violations = append(violations, rel+": names "+table+", owned by "+owner)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range violations {
		t.Error(v)
	}
}

// tablesNamed returns the tables f names.
func tablesNamed(f *ast.File, sqlUse *regexp.Regexp, own map[string]string) []string {
	var out []string
	exact := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				if _, ok := own[s]; ok {
					out = append(out, s)
				}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					return true
				}
				for _, m := range sqlUse.FindAllStringSubmatch(s, -1) {
					out = append(out, m[1])
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && slices.Contains([]string{"Table", "NewDocuments"}, sel.Sel.Name) && len(n.Args) > 0 {
				exact(n.Args[0])
			}
		case *ast.CompositeLit:
			if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Identifier" && len(n.Elts) > 0 {
				exact(n.Elts[0])
			}
		case *ast.FuncDecl:
			if n.Name.Name == "TableName" && n.Body != nil {
				for _, st := range n.Body.List {
					if r, ok := st.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
						exact(r.Results[0])
					}
				}
			}
		}
		return true
	})
	return out
}
