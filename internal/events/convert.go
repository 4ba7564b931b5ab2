package events

import (
	"encoding/hex"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// ToProto converts e for the API.
func ToProto(e Event) *ipcasev1.Event {
	out := &ipcasev1.Event{
		Name:      fmt.Sprintf("matters/%s/events/%d", e.MatterID, e.Seq),
		Sequence:  e.Seq,
		Type:      string(e.Type),
		Actor:     &ipcasev1.Actor{Subject: e.Actor.Subject, Role: e.Actor.Role, Organization: e.Actor.Org},
		OccurTime: timestamppb.New(e.OccurTime),
		Hash:      hex.EncodeToString(e.Hash),
	}
	if e.ProceedingID != "" {
		out.Proceeding = fmt.Sprintf("matters/%s/proceedings/%s", e.MatterID, e.ProceedingID)
	}
	if len(e.PrevHash) > 0 {
		out.PreviousHash = hex.EncodeToString(e.PrevHash)
	}
	payload := &structpb.Struct{}
	if err := protojson.Unmarshal(e.Payload, payload); err == nil {
		out.Payload = payload
	}
	return out
}
