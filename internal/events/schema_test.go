package events_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/events"
)

const schemaFile = "../../api/events/payloads.schema.json"

// TestPayloadSchemaFileIsGenerated: the published schema is what the Go
// payload types generate; a payload type changed without scripts/gen.sh
// fails here.
func TestPayloadSchemaFileIsGenerated(t *testing.T) {
	t.Parallel()
	want, err := events.PayloadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the payload types generate: run scripts/gen.sh and commit", schemaFile)
	}
	var doc struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for _, typ := range events.Types() {
		if _, ok := doc.Defs[string(typ)]; !ok {
			t.Errorf("%s has no schema for %s", schemaFile, typ)
		}
	}
	if len(doc.Defs) != len(events.Types()) {
		t.Errorf("%d schemas for %d declared types", len(doc.Defs), len(events.Types()))
	}
}

// TestPayloadSchemaRefuses: the schema of a type accepts its payload as
// encoding/json writes it and refuses what a consumer could not read as
// that type: a field missing, a field of the wrong JSON type, an unknown
// field, a day not written YYYY-MM-DD.
func TestPayloadSchemaRefuses(t *testing.T) {
	t.Parallel()
	b, err := events.PayloadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(events.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	compile := func(typ events.Type) *jsonschema.Schema {
		s, err := c.Compile(events.SchemaID + "#/$defs/" + string(typ))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	valid := func(s *jsonschema.Schema, payload string) error {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		return s.Validate(v)
	}
	decided := compile(events.EnforcementDecided)
	day, err := civil.Parse("2026-10-26")
	if err != nil {
		t.Fatal(err)
	}
	written, err := json.Marshal(events.DecidedPayload{Number: "SAMR-HZ处罚〔2026〕1号", DecidedOn: day, Fine: "120000.00",
		Law: "Trademark Law 2019, Art. 60 ¶2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := valid(decided, string(written)); err != nil {
		t.Errorf("the payload as written %s: %v", written, err)
	}
	for _, tt := range []struct{ name, payload string }{
		{"the decision day missing", `{"number":"1","fine":"1.00","law":"x","confiscation":"","destruction":null}`},
		{"a fine as a number", strings.Replace(string(written), `"fine":"120000.00"`, `"fine":120000`, 1)},
		{"an unknown field", strings.Replace(string(written), `{`, `{"fineYuan":"1",`, 1)},
		{"a day not YYYY-MM-DD", strings.Replace(string(written), `"2026-10-26"`, `"26/10/2026"`, 1)},
	} {
		if err := valid(decided, tt.payload); err == nil {
			t.Errorf("%s: %s validated", tt.name, tt.payload)
		}
	}
}
