package customs_test

import (
	"fmt"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/chaintest"
)

// roundTripBounds are the most round trips to Postgres each customs call
// may make, counted on the connection (chaintest.RoundTrips; see
// enforcement's TestRoundTripsPerTransition). Issue 16 asks for
// chaintest.Bound (3); a call above it is bounded by what it makes today,
// so that it cannot grow, and is lowered as it is reduced. Each count was
// the same in three runs.
var roundTripBounds = map[string]int{
	"RecordRight":      4,
	"RenewRecordation": chaintest.Bound,
	// Citing a recordation, which is read with its holder; 12 without.
	"ApplyDetention":    7,
	"DetainGoods":       chaintest.Bound,
	"RefuseDetention":   chaintest.Bound,
	"FileCourtAction":   chaintest.Bound,
	"RecordCourtNotice": chaintest.Bound,
	"ReleaseGoods":      chaintest.Bound,
	// The matter is filed, then its proceeding written apart so that the
	// reply clock can refer to it, then the shipment: three writes, each
	// after its own read of the event chain's head.
	"ReportSuspectedGoods": 7,
	// Applying: customs' 30 and the court's 50 working days are opened
	// and the three clocks read again for the answer; 11 declining.
	"ReplyToNotice":      chaintest.Bound,
	"DecideInfringement": chaintest.Bound,
}

// shipmentResponse is the answer of a transition of a shipment.
type shipmentResponse interface{ GetShipment() *ipcasev1.Shipment }

// TestRoundTripsPerTransition walks, twice and with request ids, a
// recordation (recorded, renewed), four applications for detention
// (detained and taken to a court; refused for want of guarantee; detained
// and held on a court's notice from outside ipcase; detained and withdrawn
// by the holder) and two shipments found ex officio (the holder applies
// and customs finds them infringing; the holder declines and they are
// released), and counts the round trips of each call of the second walk
// (the first fills the connections' caches of prepared statements, as a
// running server's are). What the consumers and the sweeper do (a court's
// order, a lapsed period) is not a call and is not counted.
func TestRoundTripsPerTransition(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-04-29")
	rt := chaintest.CountRoundTrips(e.DB)
	got := map[string]int{}
	var sh *ipcasev1.Shipment
	step := func(method string, call func() (shipmentResponse, error)) {
		t.Helper()
		got[method] = max(got[method], rt.Measure(t, method, func() error {
			resp, err := call()
			if err == nil {
				sh = resp.GetShipment()
			}
			return err
		}))
	}
	measure := func(method string, call func() error) {
		t.Helper()
		got[method] = max(got[method], rt.Measure(t, method, call))
	}
	for walk, id := range []string{"warm-", "measured-"} {
		// Wed 29 April 2026; the recordation, approved on 1 June 2016,
		// expires on 31 May 2026 and is renewable from 1 December 2025.
		e.setDay("2026-04-29")
		clear(got)
		var rec *ipcasev1.Recordation
		// A right is recorded once: each walk records another mark.
		right := &ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: fmt.Sprintf("1234567%d", walk), Title: "星河"}
		measure("RecordRight", func() error {
			r, err := e.customs.RecordRight(e.officer, &ipcasev1.RecordRightRequest{RequestId: id + "record", RightsHolder: holder, Right: right,
				Number: fmt.Sprintf("T2016-%05d", walk+1), ApprovedOn: "2016-06-01"})
			rec = r.GetRecordation()
			return err
		})
		e.holderID = strings.TrimPrefix(rec.GetRightsHolder(), "parties/")
		hc := e.holderCtx()
		measure("RenewRecordation", func() error {
			r, err := e.customs.RenewRecordation(hc, &ipcasev1.RenewRecordationRequest{Name: rec.GetName(), Etag: rec.GetEtag(), RequestId: id + "renew"})
			if err == nil && r.GetRecordation().GetExpiresOn() != "2036-05-31" {
				return fmt.Errorf("renewed to %s, want 2036-05-31", r.GetRecordation().GetExpiresOn())
			}
			return err
		})

		// On application: each shipment n is applied for with a guarantee
		// of yuan (the goods are worth 150,000), the first citing the
		// recordation.
		apply := func(n int, yuan string) {
			t.Helper()
			req := &ipcasev1.ApplyDetentionRequest{RequestId: fmt.Sprintf("%sapply-%d", id, n), Office: office,
				RightsHolder: &ipcasev1.Party{Name: "parties/" + e.holderID}, Respondents: []*ipcasev1.Party{consignor}, Rights: []*ipcasev1.IpRight{right},
				Direction: ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT, Goods: kettles, GuaranteeYuan: yuan,
				Facts:    "货物将于宁波港装船出口，船名“东方之星”。",
				Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}}}
			if n == 1 {
				req.Recordation = rec.GetName()
			}
			step("ApplyDetention", func() (shipmentResponse, error) {
				return e.customs.ApplyDetention(hc, req)
			})
		}
		detain := func(n int) {
			t.Helper()
			step("DetainGoods", func() (shipmentResponse, error) {
				return e.customs.DetainGoods(e.officer, &ipcasev1.DetainGoodsRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
					RequestId: fmt.Sprintf("%sdetain-%d", id, n)})
			})
		}
		apply(1, "150000")
		detain(1)
		step("FileCourtAction", func() (shipmentResponse, error) {
			return e.customs.FileCourtAction(hc, &ipcasev1.FileCourtActionRequest{Name: sh.GetName(), Etag: sh.GetEtag(), RequestId: id + "sue",
				Court: court})
		})
		apply(2, "100000")
		step("RefuseDetention", func() (shipmentResponse, error) {
			return e.customs.RefuseDetention(e.officer, &ipcasev1.RefuseDetentionRequest{Name: sh.GetName(), Etag: sh.GetEtag(), RequestId: id + "refuse",
				Reason: "担保不足货物价值"})
		})
		apply(3, "150000")
		detain(3)
		step("RecordCourtNotice", func() (shipmentResponse, error) {
			return e.customs.RecordCourtNotice(e.officer, &ipcasev1.RecordCourtNoticeRequest{Name: sh.GetName(), Etag: sh.GetEtag(), RequestId: id + "notice",
				Court: "沪73", CourtNumber: "(2026)沪73知民初12号", Order: "协助扣押电热水壶3000个"})
		})
		apply(4, "150000")
		detain(4)
		step("ReleaseGoods", func() (shipmentResponse, error) {
			return e.customs.ReleaseGoods(hc, &ipcasev1.ReleaseGoodsRequest{Name: sh.GetName(), Etag: sh.GetEtag(), RequestId: id + "withdraw",
				Reason: ipcasev1.ReleaseReason_RELEASE_REASON_HOLDER_WITHDREW, Note: "双方已和解"})
		})

		// Ex officio: the goods worth 150,000 yuan need a guarantee of
		// 75,000 (GAC Implementing Measures Art. 23).
		for n, applies := range []bool{true, false} {
			step("ReportSuspectedGoods", func() (shipmentResponse, error) {
				return e.customs.ReportSuspectedGoods(e.officer, &ipcasev1.ReportSuspectedGoodsRequest{RequestId: fmt.Sprintf("%sreport-%d", id, n),
					Office: office, Recordation: rec.GetName(), Respondents: []*ipcasev1.Party{consignor},
					Direction: ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT, DeclarationNumber: "310120260000123456", Goods: kettles,
					Facts: "出口申报“电热水壶”，查验发现带“星河”标识。", NotifiedOn: "2026-04-29",
					Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_SEIZED}}})
			})
			req := &ipcasev1.ReplyToNoticeRequest{Name: sh.GetName(), Etag: sh.GetEtag(), RequestId: fmt.Sprintf("%sreply-%d", id, n), Apply: applies}
			if applies {
				req.GuaranteeYuan = "75000"
			}
			step("ReplyToNotice", func() (shipmentResponse, error) {
				return e.customs.ReplyToNotice(hc, req)
			})
			if !applies {
				continue
			}
			step("DecideInfringement", func() (shipmentResponse, error) {
				return e.customs.DecideInfringement(e.officer, &ipcasev1.DecideInfringementRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
					RequestId: id + "decide", Finding: ipcasev1.CustomsFinding_CUSTOMS_FINDING_INFRINGING, FineYuan: "45000",
					Disposal: ipcasev1.GoodsDisposal_GOODS_DISPOSAL_DESTROYED, Reason: "货物使用了与注册商标相同的商标"})
			})
		}
		if walk > 0 {
			chaintest.CheckBounds(t, got, roundTripBounds)
		}
	}
}
