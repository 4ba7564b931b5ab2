package storetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// schemaFile is the published schema of every event type's payload,
// relative to the module's root (scripts/gen.sh writes it).
const schemaFile = "api/events/payloads.schema.json"

var (
	schemaOnce sync.Once
	schemas    *jsonschema.Compiler
	schemaID   string
	schemaErr  error
	// tampered are the tests that alter events on purpose.
	tampered sync.Map
)

// TamperedEvents tells the payload check that t alters events on purpose
// (to prove the chain detects it): its database's payloads are not
// checked against the published schema.
func TamperedEvents(t testing.TB) { tampered.Store(t, true) }

// loadSchemas compiles the published payload schemas once.
func loadSchemas() (*jsonschema.Compiler, string, error) {
	schemaOnce.Do(func() {
		dir, err := os.Getwd()
		for err == nil {
			if _, statErr := os.Stat(filepath.Join(dir, schemaFile)); statErr == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				err = fmt.Errorf("no %s above the test's folder", schemaFile)
				break
			}
			dir = parent
		}
		if err != nil {
			schemaErr = err
			return
		}
		f, err := os.ReadFile(filepath.Join(dir, schemaFile)) //nolint:gosec // G304: the module's own generated schema file
		if err != nil {
			schemaErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f))
		if err != nil {
			schemaErr = fmt.Errorf("%s: %w", schemaFile, err)
			return
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		c := jsonschema.NewCompiler()
		if err := c.AddResource(id, doc); err != nil {
			schemaErr = fmt.Errorf("%s: %w", schemaFile, err)
			return
		}
		schemas, schemaID = c, id
	})
	return schemas, schemaID, schemaErr
}

// checkPayloads fails t for every event of the database at url whose
// payload does not validate against the published schema of its type:
// every flow the test suites run checks the schema it writes to.
func checkPayloads(t testing.TB, url string) {
	t.Helper()
	if _, ok := tampered.Load(t); ok {
		return
	}
	c, id, err := loadSchemas()
	if err != nil {
		t.Errorf("storetest: event payload schemas: %v", err)
		return
	}
	ctx := context.WithoutCancel(t.Context())
	db, err := store.Open(ctx, store.Config{URL: url, MaxOpenConns: 1}, zap.NewNop())
	if err != nil {
		t.Errorf("storetest: checking event payloads: %v", err)
		return
	}
	defer func() { _ = db.Close() }()
	var rows []struct {
		Type, MatterID, Payload string
		Seq                     int64
	}
	if err := db.Session(ctx).Gorm().Raw(`SELECT type, matter_id::text AS matter_id, seq, payload::text AS payload FROM events ORDER BY id`).
		Scan(&rows).Error; err != nil {
		t.Errorf("storetest: checking event payloads: %v", err)
		return
	}
	for _, r := range rows {
		sch, err := compileType(c, id, r.Type)
		if err != nil {
			t.Errorf("storetest: event %s/%d: type %q has no published payload schema (%s): %v", r.MatterID, r.Seq, r.Type, schemaFile, err)
			continue
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(r.Payload)))
		if err == nil {
			err = sch.Validate(v)
		}
		if err != nil {
			t.Errorf("storetest: event %s/%d (%s): the payload %s does not match its published schema (%s): %#v",
				r.MatterID, r.Seq, r.Type, r.Payload, schemaFile, err)
		}
	}
}

// compiled holds the schema of each event type, compiled once: a
// jsonschema.Compiler is not safe for concurrent use, and the checks of
// parallel tests run at once (a compiled Schema validates concurrently).
var compiled struct {
	sync.Mutex
	byType map[string]*jsonschema.Schema
}

func compileType(c *jsonschema.Compiler, id, typ string) (*jsonschema.Schema, error) {
	compiled.Lock()
	defer compiled.Unlock()
	if s, ok := compiled.byType[typ]; ok {
		return s, nil
	}
	s, err := c.Compile(id + "#/$defs/" + typ)
	if err != nil {
		return nil, err
	}
	if compiled.byType == nil {
		compiled.byType = map[string]*jsonschema.Schema{}
	}
	compiled.byType[typ] = s
	return s, nil
}
