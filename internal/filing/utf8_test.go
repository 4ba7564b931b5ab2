package filing_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// rawCodec sends bytes as they are, so a test can put invalid UTF-8 on the
// wire, which the ordinary proto codec refuses to marshal.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }
func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	return proto.Unmarshal(data.Materialize(), v.(proto.Message))
}

// TestInvalidUTF8IsNamed sends strings with invalid UTF-8 in a top-level
// and a nested field: the call is refused with INVALID_ARGUMENT naming
// both, and nothing is written.
func TestInvalidUTF8IsNamed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	req := complaint("")
	req.Facts = "FACTS-PLACEHOLDER"
	req.Respondents[0].DisplayName = "NAME-PLACEHOLDER"
	b, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	swap := func(old, bad string) {
		if len(old) != len(bad) { // the length prefixes must stay right
			t.Fatalf("%q and %q differ in length", old, bad)
		}
		b = bytes.Replace(b, []byte(old), []byte(bad), 1)
	}
	swap("FACTS-PLACEHOLDER", "bad \xff\xfe bytes!!!!!")
	swap("NAME-PLACEHOLDER", "\xc3\x28 broken name!!")
	var resp ipcasev1.SubmitComplaintResponse
	err = f.conn(t).Invoke(t.Context(), "/ipcase.v1.FilingService/SubmitComplaint", &b, &resp, grpc.ForceCodecV2(rawCodec{}))
	if code(err) != codes.InvalidArgument {
		t.Fatalf("invalid UTF-8: %v, want InvalidArgument", err)
	}
	if diff := cmp.Diff([]string{"respondents[0].display_name", "facts"}, fieldViolations(err)); diff != "" {
		t.Errorf("field violations mismatch (-want +got):\n%s", diff)
	}
	if n := f.count(t, "matters"); n != 0 {
		t.Errorf("%d matters written", n)
	}
}
