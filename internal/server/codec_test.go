package server

import (
	"bytes"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func TestCodecReplacesInvalidUTF8(t *testing.T) {
	t.Parallel()
	b, err := proto.Marshal(&ipcasev1.SubmitComplaintRequest{
		Facts:       "FACTS",
		Respondents: []*ipcasev1.Party{{DisplayName: "NAME!"}},
		Rights:      []*ipcasev1.IpRight{{Title: "ok"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("FACTS"), []byte("a\xffb\xfe"+"c"), 1)
	b = bytes.Replace(b, []byte("NAME!"), []byte("\xc3\x28xyz"), 1)
	var got ipcasev1.SubmitComplaintRequest
	if err := (codec{}).Unmarshal(mem.BufferSlice{mem.SliceBuffer(b)}, &got); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if got.GetFacts() != "a\uFFFDb\uFFFDc" || got.GetRespondents()[0].GetDisplayName() != "\uFFFD(xyz" || got.GetRights()[0].GetTitle() != "ok" {
		t.Errorf("decoded %q / %q / %q", got.GetFacts(), got.GetRespondents()[0].GetDisplayName(), got.GetRights()[0].GetTitle())
	}
	if err := (codec{}).Unmarshal(mem.BufferSlice{mem.SliceBuffer([]byte{0x0a, 0x05, 'a'})}, &got); err == nil {
		t.Error("truncated message decoded without error")
	}
}
