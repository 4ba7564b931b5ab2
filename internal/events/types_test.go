package events_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestAppendRefusesUndeclaredTypes: an event of a type the catalog does not
// declare, or with another payload than its type declares, is refused and
// nothing is written.
func TestAppendRefusesUndeclaredTypes(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	matter := eventstest.Matter(t, db, "SAMR-HZ")
	before := storetest.RowCounts(t, db)
	for _, r := range []events.Record{
		{Type: "test.opened"},
		{Type: events.Type("enforcement.decided "), Payload: events.DecidedPayload{}},
		{Type: events.EnforcementDecided, Payload: map[string]any{"number": "X处罚〔2026〕1号"}},
		{Type: events.EnforcementDecided, Payload: &events.DecidedPayload{}},
		{Type: events.EnforcementDecided},
	} {
		if err := eventstest.Append(t.Context(), db, matter, r); err == nil {
			t.Errorf("Append(%s, %T) = nil; want refused", r.Type, r.Payload)
		}
	}
	if after := storetest.RowCounts(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("refused appends wrote rows: before %v, after %v", before, after)
	}
}

// TestDeclaredPublicFieldsExist: every payload field the catalog shows a
// rights holder is a JSON field of the type's payload.
func TestDeclaredPublicFieldsExist(t *testing.T) {
	t.Parallel()
	for _, typ := range events.Types() {
		fields := jsonFields(t, typ)
		for _, f := range events.PublicFields(typ) {
			if !slices.Contains(fields, f) {
				t.Errorf("%s shows %q to rights holders, but its payload has no such field (it has %v)", typ, f, fields)
			}
		}
	}
}

// jsonFields are the JSON names of typ's payload, from an encoded zero
// payload.
func jsonFields(t *testing.T, typ events.Type) []string {
	t.Helper()
	p, err := events.ZeroPayload(typ)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	// Fields omitted when empty are declared too.
	out = append(out, omitted(reflect.TypeOf(p))...)
	return out
}

func omitted(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, omitted(f.Type)...)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if strings.Contains(opts, "omit") {
			out = append(out, name)
		}
	}
	return out
}

// TestEventTypesAreWrittenOnlyFromTheCatalog: outside the catalog
// (types.go), no Go file of ipcase spells a declared event type as a string
// literal, so that every producer and every consumer uses the declared
// constant, and a renamed type cannot leave a consumer listening for the
// old name.
func TestEventTypesAreWrittenOnlyFromTheCatalog(t *testing.T) {
	t.Parallel()
	declared := map[string]bool{}
	for _, typ := range events.Types() {
		declared[string(typ)] = true
	}
	fset := token.NewFileSet()
	for _, dir := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				filepath.ToSlash(path) == "../../internal/events/types.go" {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && declared[s] {
						t.Errorf("%s: the event type %q is spelled as a literal; use the constant of internal/events", fset.Position(lit.Pos()), s)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
