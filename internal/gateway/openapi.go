package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ipcase/ipcase/api/openapi"
)

const openAPIPath = "/openapi.json"

// openAPIDocument is the generated document (api/openapi, embedded) with
// what generation cannot know: the hand-written upload route and its
// types, bearer authentication, and a title. The generated file itself
// stays exactly what scripts/gen.sh writes.
func openAPIDocument() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		return nil, fmt.Errorf("gateway: generated OpenAPI document: %w", err)
	}
	doc["info"] = map[string]any{
		"title":       "ipcase HTTP API",
		"version":     "v1",
		"description": "The rights holders' JSON API of ipcase, served by ipcase-gateway in front of ipcased. Every call needs `Authorization: Bearer <token>`. Errors are google.rpc.Status (rpcStatus) with field violations in a google.rpc.BadRequest detail.",
	}
	doc["securityDefinitions"] = map[string]any{
		"bearer": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization",
			"description": "`Bearer <token>`: a JWT from your identity provider, or from an ipcase sign-in link."},
	}
	doc["security"] = []any{map[string]any{"bearer": []any{}}}
	paths, _ := doc["paths"].(map[string]any)
	defs, _ := doc["definitions"].(map[string]any)
	if paths == nil || defs == nil {
		return nil, fmt.Errorf("gateway: generated OpenAPI document has no paths or definitions")
	}
	paths[uploadPath] = uploadOperation
	defs["v1UploadEvidenceResponse"] = map[string]any{"type": "object", "properties": map[string]any{
		"file": map[string]any{"$ref": "#/definitions/v1EvidenceFile", "description": "The stored upload."},
	}}
	defs["v1EvidenceFile"] = evidenceFileSchema
	return json.MarshalIndent(doc, "", "  ")
}

// uploadOperation documents upload (Swagger 2.0).
var uploadOperation = map[string]any{"post": map[string]any{
	"summary": "Uploads one evidence file",
	"description": "The body is the file itself, sent as it is (not multipart), with its media type in Content-Type. " +
		"The server computes the SHA-256 digest and the size while the file streams in and returns them; cite the digest " +
		"in a complaint's evidence. A file over the size limit is refused with 400 and nothing is kept; an upload past the " +
		"uploader's quota or rate is refused with 429 and nothing is kept. Uploads no matter cites are removed after a while.",
	"operationId": "EvidenceService_UploadEvidence",
	"tags":        []any{"EvidenceService"},
	"consumes":    []any{"application/octet-stream", "application/pdf", "image/jpeg", "image/png", "video/mp4"},
	"produces":    []any{"application/json"},
	"parameters": []any{
		map[string]any{"name": "file", "in": "body", "required": true, "description": "The file's bytes.",
			"schema": map[string]any{"type": "string", "format": "binary"}},
		map[string]any{"name": "fileName", "in": "query", "required": false, "type": "string",
			"description": "The file's name on your machine, without folders or invisible characters."},
	},
	"responses": map[string]any{
		"200": map[string]any{"description": "The file was stored.",
			"schema": map[string]any{"$ref": "#/definitions/v1UploadEvidenceResponse"}},
		"default": map[string]any{"description": "An error response.",
			"schema": map[string]any{"$ref": "#/definitions/rpcStatus"}},
	},
}}

// evidenceFileSchema is ipcase.v1.EvidenceFile; TestOpenAPIEvidenceFile
// keeps it in step with the proto.
var evidenceFileSchema = map[string]any{"type": "object", "properties": map[string]any{
	"name":         map[string]any{"type": "string", "description": "Resource name, `evidenceFiles/{upload}`."},
	"sha256":       map[string]any{"type": "string", "description": "Lower-case hex SHA-256 digest, computed by the server."},
	"sizeBytes":    map[string]any{"type": "string", "format": "int64", "description": "Size in bytes, counted by the server."},
	"mediaType":    map[string]any{"type": "string", "description": "Media type as declared in Content-Type."},
	"fileName":     map[string]any{"type": "string", "description": "The file name given."},
	"deduplicated": map[string]any{"type": "boolean", "description": "True when you uploaded the same content before, lately; never says whether anyone else did."},
	"createTime":   map[string]any{"type": "string", "format": "date-time", "description": "When the upload completed."},
}}

func (g *Gateway) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(g.openapi)
}
