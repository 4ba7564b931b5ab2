package gateway

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A request the gateway builds from a URL can hold what gRPC cannot carry:
// grpc-gateway copies query parameters and path segments into string
// fields as they are, invalid UTF-8 included (protojson refuses it in a
// JSON body), and an upload's file name comes from the query. The gRPC
// client would then fail with INTERNAL ("error while marshaling: string
// field contains invalid UTF-8"); the same goes for metadata that is not
// printable ASCII. checkOutgoing refuses such a call before it is sent,
// as INVALID_ARGUMENT naming the field, or, for the Authorization header,
// UNAUTHENTICATED as ipcased answers a token it does not recognise.

func checkOutgoingUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if err := checkMetadata(ctx); err != nil {
		return err
	}
	if m, ok := req.(proto.Message); ok {
		if err := checkMessage(m); err != nil {
			return err
		}
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func checkOutgoingStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	if err := checkMetadata(ctx); err != nil {
		return nil, err
	}
	s, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, err
	}
	return &checkedStream{ClientStream: s}, nil
}

// checkedStream checks each message sent. Once one is refused, the stream
// answers with that refusal and sends nothing more; the caller's context
// ends the call on ipcased, which keeps nothing of a stream that does not
// finish.
type checkedStream struct {
	grpc.ClientStream
	refused error
}

func (s *checkedStream) SendMsg(m any) error {
	if s.refused == nil {
		if msg, ok := m.(proto.Message); ok {
			s.refused = checkMessage(msg)
		}
	}
	if s.refused != nil {
		return s.refused
	}
	return s.ClientStream.SendMsg(m)
}

func (s *checkedStream) CloseSend() error {
	if s.refused != nil {
		return nil
	}
	return s.ClientStream.CloseSend()
}

func (s *checkedStream) RecvMsg(m any) error {
	if s.refused != nil {
		return s.refused
	}
	return s.ClientStream.RecvMsg(m)
}

// errUnrecognised is what ipcased answers a caller whose credentials it
// cannot read.
var errUnrecognised = status.Error(codes.Unauthenticated, "credentials missing, expired or not recognised")

// checkMetadata refuses outgoing metadata gRPC cannot send: values of
// text keys must be printable ASCII.
func checkMetadata(ctx context.Context) error {
	md, _ := metadata.FromOutgoingContext(ctx)
	for key, values := range md {
		if strings.HasSuffix(key, "-bin") {
			continue
		}
		for _, v := range values {
			if strings.IndexFunc(v, func(r rune) bool { return r < 0x20 || r > 0x7e }) < 0 {
				continue
			}
			if key == "authorization" {
				return errUnrecognised
			}
			return invalid(key, "header value must be printable ASCII").Err()
		}
	}
	return nil
}

// checkMessage returns INVALID_ARGUMENT naming the first string field of
// m (respondents[1].display_name) that is not valid UTF-8.
func checkMessage(m proto.Message) error {
	if field := invalidUTF8(m.ProtoReflect(), "", 0); field != "" {
		return invalid(field, "is not valid UTF-8").Err()
	}
	return nil
}

// invalidUTF8 returns the path, under prefix, of the first string in m
// that is not valid UTF-8, or "".
func invalidUTF8(m protoreflect.Message, prefix string, depth int) (field string) {
	if depth > 32 {
		return ""
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := string(fd.Name())
		if prefix != "" {
			path = prefix + "." + path
		}
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				if field = invalidValue(fd, l.Get(i), fmt.Sprintf("%s[%d]", path, i), depth); field != "" {
					return false
				}
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				ks := k.String()
				if !utf8.ValidString(ks) {
					field = path
					return false
				}
				field = invalidValue(fd.MapValue(), mv, fmt.Sprintf("%s[%q]", path, ks), depth)
				return field == ""
			})
		default:
			field = invalidValue(fd, v, path, depth)
		}
		return field == ""
	})
	return field
}

func invalidValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, depth int) string {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if !utf8.ValidString(v.String()) {
			return path
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return invalidUTF8(v.Message(), path, depth+1)
	default:
	}
	return ""
}
