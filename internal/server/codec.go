package server

import (
	"errors"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// codec is the proto codec with one difference on the way in: a request
// whose strings hold invalid UTF-8 is not refused inside gRPC (which can
// only answer INTERNAL there, before any interceptor runs) but decoded with
// each bad sequence replaced by U+FFFD, so that request validation sees it
// and answers INVALID_ARGUMENT naming the field.
type codec struct{}

var _ encoding.CodecV2 = codec{}

func (codec) Name() string { return "proto" }

func (codec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, errors.New("codec: not a proto message")
	}
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func (codec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return errors.New("codec: not a proto message")
	}
	b := data.Materialize()
	err := proto.Unmarshal(b, m)
	if err == nil || !strings.Contains(err.Error(), "invalid UTF-8") {
		return err
	}
	clean, ok := replaceInvalidUTF8(b, m.ProtoReflect().Descriptor(), 0)
	if !ok {
		return err
	}
	proto.Reset(m)
	return proto.Unmarshal(clean, m)
}

// replaceInvalidUTF8 rewrites the wire encoding b of a message of type md,
// replacing invalid UTF-8 in string fields (nested messages and map entries
// included) with U+FFFD. ok is false if b is malformed.
func replaceInvalidUTF8(b []byte, md protoreflect.MessageDescriptor, depth int) (out []byte, ok bool) {
	if depth > 64 {
		return nil, false
	}
	out = make([]byte, 0, len(b))
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false
		}
		fd := md.Fields().ByNumber(num)
		if typ != protowire.BytesType || fd == nil || (fd.Kind() != protoreflect.StringKind && fd.Kind() != protoreflect.MessageKind) {
			m := protowire.ConsumeFieldValue(num, typ, b[n:])
			if m < 0 {
				return nil, false
			}
			out = append(out, b[:n+m]...)
			b = b[n+m:]
			continue
		}
		val, m := protowire.ConsumeBytes(b[n:])
		if m < 0 {
			return nil, false
		}
		if fd.Kind() == protoreflect.StringKind {
			if !utf8.Valid(val) {
				val = []byte(strings.ToValidUTF8(string(val), string(utf8.RuneError)))
			}
		} else if val, ok = replaceInvalidUTF8(val, fd.Message(), depth+1); !ok {
			return nil, false
		}
		out = protowire.AppendTag(out, num, typ)
		out = protowire.AppendBytes(out, val)
		b = b[n+m:]
	}
	return out, true
}
