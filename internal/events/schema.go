package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
)

// SchemaID is the $id of the event payload schema document, published as
// api/events/payloads.schema.json (scripts/gen.sh writes it with `ipcased
// dev event-schemas`).
const SchemaID = "https://github.com/ipcase/ipcase/api/events/payloads.schema.json"

// datePattern is a civil.Date as it is written: YYYY-MM-DD, or empty for a
// day not set.
const datePattern = `^([0-9]{4}-[0-9]{2}-[0-9]{2})?$`

var dateType = reflect.TypeFor[civil.Date]()

// PayloadSchemas returns the JSON Schema (draft 2020-12) of every declared
// event type's payload, generated from its Go payload type: one schema per
// type under $defs, keyed by the type, e.g. $defs["enforcement.decided"].
// A payload of Event.payload (google.protobuf.Struct over gRPC, JSON in
// the store and the feed) validates against the schema of the event's type.
func PayloadSchemas() ([]byte, error) {
	defs := map[string]any{}
	for _, t := range Types() {
		s, err := schemaOf(catalog[t].payload, string(t))
		if err != nil {
			return nil, err
		}
		s["title"] = string(t)
		defs[string(t)] = s
	}
	doc := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     SchemaID,
		"title":   "ipcase event payloads",
		"description": "The payload of each event type, generated from the Go payload types of internal/events. " +
			"An event's payload validates against $defs[type]; a type not listed here is not an ipcase event. " +
			"Days are YYYY-MM-DD in China Standard Time (empty when not set); amounts are yuan as decimal strings.",
		"$defs": defs,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// schemaOf is the schema of the JSON encoding/json writes for a value of t;
// at names it in errors.
func schemaOf(t reflect.Type, at string) (map[string]any, error) {
	switch {
	case t == dateType:
		return map[string]any{"type": "string", "pattern": datePattern}, nil
	case t.Kind() == reflect.Pointer:
		s, err := schemaOf(t.Elem(), at)
		if err != nil {
			return nil, err
		}
		return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Slice:
		items, err := schemaOf(t.Elem(), at+"[]")
		if err != nil {
			return nil, err
		}
		// A nil slice is written as null.
		return map[string]any{"type": []any{"array", "null"}, "items": items}, nil
	case reflect.Struct:
		return structSchema(t, at)
	default:
		return nil, fmt.Errorf("events: %s: no JSON schema for a %v", at, t)
	}
}

// structSchema is the schema of a struct: its exported fields by their
// JSON names, each required unless omitempty or omitzero may leave it out,
// and no other property.
func structSchema(t reflect.Type, at string) (map[string]any, error) {
	if t.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) {
		return nil, fmt.Errorf("events: %s: %v writes its own JSON; declare its schema in schemaOf", at, t)
	}
	props := map[string]any{}
	required := []any{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			// encoding/json writes an embedded struct's fields as the
			// outer struct's own.
			inner, err := structSchema(f.Type, at)
			if err != nil {
				return nil, err
			}
			for k, v := range inner["properties"].(map[string]any) {
				props[k] = v
			}
			required = append(required, inner["required"].([]any)...)
			continue
		}
		if f.Anonymous && name == "" {
			return nil, fmt.Errorf("events: %s: embedded %v: name its fields", at, f.Type)
		}
		if name == "" {
			name = f.Name
		}
		s, err := schemaOf(f.Type, at+"."+name)
		if err != nil {
			return nil, err
		}
		props[name] = s
		if !strings.Contains(","+opts+",", ",omitempty,") && !strings.Contains(","+opts+",", ",omitzero,") {
			required = append(required, name)
		}
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}, nil
}
