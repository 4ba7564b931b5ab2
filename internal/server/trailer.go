package server

import (
	"fmt"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// An error's message and details travel in the call's trailers
// (grpc-message, percent-encoded, and grpc-status-details-bin, base64),
// which clients bound as this server bounds headers: the gateway at
// IPCASE_GATEWAY_UPSTREAM_MAX_HEADER_BYTES, gRPC clients soon at 8 KiB by
// default. A request with thousands of bad items would otherwise get a
// transport failure instead of its violations. These bounds keep an
// error's trailers under about 8 KiB.
const (
	// maxMessageBytes bounds the message (up to 3 KiB percent-encoded).
	maxMessageBytes = 1 << 10
	// maxDetailBytes bounds the encoded BadRequest (4 KiB in base64).
	maxDetailBytes = 3 << 10
	// maxFieldBytes and maxReasonBytes bound one violation.
	maxFieldBytes  = 200
	maxReasonBytes = 400
)

// bounded returns st with its message and field violations cut to the
// bounds above: the first violations, in order, and a message that says
// how many were left out.
func bounded(st *status.Status) *status.Status {
	p := st.Proto()
	dropped := 0
	for i, a := range p.GetDetails() {
		br := new(errdetails.BadRequest)
		if !a.MessageIs(br) || a.UnmarshalTo(br) != nil {
			continue
		}
		kept := &errdetails.BadRequest{}
		size := 0
		for _, v := range br.GetFieldViolations() {
			v = &errdetails.BadRequest_FieldViolation{Field: cut(v.GetField(), maxFieldBytes), Description: cut(v.GetDescription(), maxReasonBytes)}
			if size += proto.Size(v) + 4; size > maxDetailBytes {
				break
			}
			kept.FieldViolations = append(kept.FieldViolations, v)
		}
		dropped += len(br.GetFieldViolations()) - len(kept.GetFieldViolations())
		if na, err := anypb.New(kept); err == nil {
			p.Details[i] = na
		}
	}
	msg := p.GetMessage()
	if dropped == 0 && len(msg) <= maxMessageBytes {
		return st
	}
	suffix := ""
	if dropped > 0 {
		suffix = fmt.Sprintf(" (%d more field violations not listed)", dropped)
	}
	p.Message = cut(msg, maxMessageBytes-len(suffix)) + suffix
	return status.FromProto(p)
}

// cut shortens s to at most n bytes, at a character boundary, marking the
// cut with an ellipsis.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	i := max(n-len(ellipsis), 0)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + ellipsis
}
