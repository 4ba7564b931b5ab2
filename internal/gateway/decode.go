package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// marshaler is grpc-gateway's protojson marshaler with a decoder that says
// which field of a refused body is at fault. Responses use the proto JSON
// names (camelCase); requests accept those and the proto names, and an
// unknown field is refused rather than ignored, so a typo is not lost.
type marshaler struct {
	runtime.JSONPb
}

func newMarshaler() *marshaler {
	return &marshaler{runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
}

// NewDecoder returns a decoder that reads the whole body (the body limit
// bounds it) and, when it refuses it, records the field on the request's
// body for handleError.
func (m *marshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		data, err := io.ReadAll(r)
		b, _ := r.(*body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reason := fmt.Sprintf("the request body is larger than the limit of %d bytes", tooBig.Limit)
			if b != nil {
				b.refuse(jsonPathAt(data, len(data)), reason)
			}
			return errors.New(reason)
		}
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return io.EOF // an empty body is an empty request
		}
		if msg, ok := v.(proto.Message); ok {
			err = m.UnmarshalOptions.Unmarshal(data, msg)
		} else {
			err = m.Unmarshal(data, v)
		}
		if err != nil {
			field, reason := locate(data, err)
			if b != nil {
				b.refuse(field, reason)
			}
			return fmt.Errorf("%s: %s", orBody(field), reason)
		}
		return nil
	})
}

func orBody(field string) string {
	if field == "" {
		return "body"
	}
	return field
}

// protojson reports where it stopped as "(line L:C)", C counted in runes.
var positionRE = regexp.MustCompile(`\(line (\d+):(\d+)\): (.*)$`)

// locate turns a protojson error into the JSON path of the value it
// refused and the reason in plain words.
func locate(data []byte, err error) (field, reason string) {
	msg := err.Error()
	m := positionRE.FindStringSubmatch(msg)
	if m == nil {
		return "", strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(msg, "proto:"), "\u00a0"))
	}
	reason = m[3]
	if strings.Contains(msg, "syntax error") {
		reason = "syntax error: " + reason
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	off := 0
	for l := 1; l < line && off < len(data); l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			off = len(data)
			break
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(data); c++ {
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return jsonPathAt(data, off), reason
}

// jsonPathAt returns the path (complainant.kind, respondents[0].name) of
// the value or key of data that contains byte offset off, or that was being
// read when data ends there. It is empty at the top level.
func jsonPathAt(data []byte, off int) string {
	type frame struct {
		array bool
		index int
		key   string
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// enter notes that a value starts: in an array it is the next element.
	enter := func() {
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				enter()
				stack = append(stack, frame{})
				expectKey = true
			case '[':
				enter()
				stack = append(stack, frame{array: true, index: -1})
				expectKey = false
			default:
				stack = stack[:len(stack)-1]
				expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			}
		default:
			if expectKey {
				stack[len(stack)-1].key, _ = t.(string)
				expectKey = false
			} else {
				enter()
				expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			}
		}
		if int(dec.InputOffset()) > off {
			break
		}
	}
	var b strings.Builder
	for _, f := range stack {
		switch {
		case f.array && f.index >= 0:
			fmt.Fprintf(&b, "[%d]", f.index)
		case !f.array && f.key != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
	}
	return b.String()
}
