package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/ipcase/ipcase/internal/logging"
)

// Errors leave the gateway as JSON google.rpc.Status — {"code": 3,
// "message": "…", "details": [{"@type": "…BadRequest", "fieldViolations":
// [{"field": "…", "description": "…"}]}]} — the shape the OpenAPI document
// describes as rpcStatus, with the HTTP status grpc-gateway's standard
// mapping gives the code. ipcased's own errors pass through unchanged;
// bad input the gateway finds itself (a body that is not JSON, a value of
// the wrong type, a body over the limit, a query parameter that does not
// parse) gets a field violation naming the field too.

var errorJSON = protojson.MarshalOptions{}

// writeStatus writes st as the response.
func writeStatus(w http.ResponseWriter, st *status.Status) {
	b, err := errorJSON.Marshal(st.Proto())
	if err != nil {
		b = []byte(`{"code":13,"message":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if st.Code() == codes.Unauthenticated {
		h.Set("WWW-Authenticate", `Bearer realm="ipcase"`)
	}
	w.WriteHeader(runtime.HTTPStatusFromCode(st.Code()))
	_, _ = w.Write(b) //nolint:gosec // G705: protojson-encoded, served as application/json with nosniff, never as HTML
}

// invalid returns an INVALID_ARGUMENT status with one violation.
func invalid(field, format string, args ...any) *status.Status {
	reason := fmt.Sprintf(format, args...)
	return withViolations(status.New(codes.InvalidArgument, field+": "+reason),
		[]*errdetails.BadRequest_FieldViolation{{Field: field, Description: reason}})
}

func withViolations(st *status.Status, vs []*errdetails.BadRequest_FieldViolation) *status.Status {
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: vs}); err == nil {
		return d
	}
	return st
}

func hasViolations(st *status.Status) bool {
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.BadRequest); ok {
			return true
		}
	}
	return false
}

// handleError is the grpc-gateway mux's error handler.
func handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	var hs *runtime.HTTPStatusError
	if errors.As(err, &hs) {
		err = hs.Err
	}
	st := status.Convert(err)
	if method, ok := runtime.RPCMethod(ctx); ok && hasViolations(st) {
		st = jsonFieldNames(st, inputType(method))
	}
	if st.Code() == codes.InvalidArgument && !hasViolations(st) {
		if v := gatewayViolations(ctx, r); len(v) > 0 {
			st = withViolations(status.New(codes.InvalidArgument, v[0].GetField()+": "+v[0].GetDescription()), v)
		}
	}
	if st.Code() == codes.Internal || st.Code() == codes.Unknown || st.Code() == codes.Unavailable {
		logging.FromContext(r.Context()).Warn("upstream call failed")
	}
	writeStatus(w, st)
}

// gatewayViolations finds the field behind an INVALID_ARGUMENT that
// grpc-gateway raised itself: the body decoder records what it refused, and
// query parameters are parsed again one at a time into the method's request
// type.
func gatewayViolations(ctx context.Context, r *http.Request) []*errdetails.BadRequest_FieldViolation {
	if b, ok := r.Body.(*body); ok && b.refused != nil {
		return []*errdetails.BadRequest_FieldViolation{b.refused}
	}
	method, ok := runtime.RPCMethod(ctx)
	if !ok || r.URL.RawQuery == "" {
		return nil
	}
	in := inputType(method)
	if in == nil {
		return nil
	}
	var vs []*errdetails.BadRequest_FieldViolation
	for key, values := range r.URL.Query() {
		msg := in.New().Interface()
		err := runtime.PopulateQueryParameters(msg, url.Values{key: values}, utilities.NewDoubleArray(nil))
		if err != nil {
			vs = append(vs, &errdetails.BadRequest_FieldViolation{Field: key, Description: err.Error()})
		}
	}
	return vs
}

// inputType returns the request message type of a full method name
// (/ipcase.v1.FilingService/ListMatters).
func inputType(method string) protoreflect.MessageType {
	svc, name, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	if !ok {
		return nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok || sd.Methods().ByName(protoreflect.Name(name)) == nil {
		return nil
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(sd.Methods().ByName(protoreflect.Name(name)).Input().FullName())
	if err != nil {
		return nil
	}
	return mt
}

// body wraps a request body: it enforces the size limit and carries the
// violation the decoder found back to handleError.
type body struct {
	io.ReadCloser
	limit   int64
	refused *errdetails.BadRequest_FieldViolation
}

// refuse records why the body was refused.
func (b *body) refuse(field, reason string) {
	if field == "" {
		field = "body"
	}
	b.refused = &errdetails.BadRequest_FieldViolation{Field: field, Description: reason}
}

// jsonFieldNames rewrites the field paths of st's violations, which ipcased
// writes with the proto's names (filed_from, respondents[1].credit_code),
// into the JSON names an HTTP client sent (filedFrom,
// respondents[1].creditCode), in the message too, where each violation
// begins "path:". Paths that do not name fields of in are left as they are.
func jsonFieldNames(st *status.Status, in protoreflect.MessageType) *status.Status {
	if in == nil {
		return st
	}
	p := st.Proto()
	changed := false
	for _, d := range st.Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			continue
		}
		for _, v := range br.GetFieldViolations() {
			if js := jsonPath(in.Descriptor(), v.GetField()); js != v.GetField() {
				// The message joins the violations as "field: reason; …".
				msg := "; " + p.GetMessage()
				msg = strings.ReplaceAll(msg, "; "+v.GetField()+":", "; "+js+":")
				p.Message = strings.TrimPrefix(msg, "; ")
				v.Field, changed = js, true
			}
		}
		if !changed {
			return st
		}
		out := status.New(st.Code(), p.GetMessage())
		if withDetails, err := out.WithDetails(br); err == nil {
			return withDetails
		}
		return st
	}
	return st
}

// jsonPath maps a dotted proto field path with optional [i] indexes to
// JSON names, as far as md describes it.
func jsonPath(md protoreflect.MessageDescriptor, path string) string {
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		if md == nil {
			break
		}
		name, index, _ := strings.Cut(seg, "[")
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			break
		}
		segs[i] = fd.JSONName()
		if index != "" {
			segs[i] += "[" + index
		}
		md = fd.Message()
	}
	return strings.Join(segs, ".")
}
