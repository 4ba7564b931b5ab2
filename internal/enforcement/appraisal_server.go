package enforcement

import (
	"context"
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
)

// Evidence sources of the results of appraisals, as the matter's evidence
// records them (package filing).
const (
	sourceReport         = "APPRAISAL_REPORT"
	sourceIdentification = "IDENTIFICATION"
)

var appraisalKinds = map[ipcasev1.AppraisalKind]AppraisalKind{
	ipcasev1.AppraisalKind_APPRAISAL_KIND_TESTING:        AppraisalTesting,
	ipcasev1.AppraisalKind_APPRAISAL_KIND_IDENTIFICATION: AppraisalIdentification,
}

// RequestAppraisal sends samples for inspection, testing, appraisal or
// identification.
func (s *Server) RequestAppraisal(ctx context.Context, req *ipcasev1.RequestAppraisalRequest) (*ipcasev1.RequestAppraisalResponse, error) {
	var v validator
	today := civil.Today(s.now())
	a := v.appraisal(req.GetAppraisal(), today)
	resp := &ipcasev1.RequestAppraisalResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RequestAppraisal(a) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RequestAppraisalResponse{Case: c} })
}

// RecordAppraisalReport records an institution's report; its document
// joins the matter's evidence and the time it took is not counted.
func (s *Server) RecordAppraisalReport(ctx context.Context, req *ipcasev1.RecordAppraisalReportRequest) (*ipcasev1.RecordAppraisalReportResponse, error) {
	var v validator
	id := v.Text("appraisal_id", req.GetAppraisalId(), true, 64)
	r := req.GetReport()
	if r == nil {
		v.Add("report", "required")
	}
	rep := Report{Number: v.Text("report.number", r.GetNumber(), true, maxCode*2), Qualification: v.Text("report.qualification", r.GetQualification(), true, maxShort),
		Conclusion: v.Text("report.conclusion", r.GetConclusion(), true, maxText), ReportedOn: v.Date("report.reported_on", r.GetReportedOn(), civil.Date{}),
		Document: v.document("report.document", r.GetDocument())}
	rep.ReceivedOn = v.Date("report.received_on", r.GetReceivedOn(), rep.ReportedOn)
	if rep.ReceivedOn.Before(rep.ReportedOn) {
		v.Add("report.received_on", "%s is before the report's date, %s", rep.ReceivedOn.String(), rep.ReportedOn.String())
	}
	resp := &ipcasev1.RecordAppraisalReportResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			err := c.Record.RecordReport(id, rep, c.Today, s.moveDecision(c, "not counted: appraisal "+id, "report "+rep.Number))
			if err != nil {
				return err
			}
			return s.addResult(c, rep.Document, sourceReport, "report "+rep.Number)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message {
			return &ipcasev1.RecordAppraisalReportResponse{Case: c}
		})
}

// RecordIdentification records the right holder's signed identification;
// its statement joins the matter's evidence and the time it took is not
// counted.
func (s *Server) RecordIdentification(ctx context.Context, req *ipcasev1.RecordIdentificationRequest) (*ipcasev1.RecordIdentificationResponse, error) {
	var v validator
	id := v.Text("appraisal_id", req.GetAppraisalId(), true, 64)
	in := req.GetIdentification()
	if in == nil {
		v.Add("identification", "required")
	}
	st := Identified{SignedBy: v.Text("identification.signed_by", in.GetSignedBy(), true, 200),
		SignedOn:  v.Date("identification.signed_on", in.GetSignedOn(), civil.Date{}),
		Statement: v.document("identification.statement", in.GetStatement())}
	st.ReceivedOn = v.Date("identification.received_on", in.GetReceivedOn(), st.SignedOn)
	if st.ReceivedOn.Before(st.SignedOn) {
		v.Add("identification.received_on", "%s is before the statement was signed on %s", st.ReceivedOn.String(), st.SignedOn.String())
	}
	if n := len(in.GetItems()); in != nil && (n == 0 || n > maxGoods) {
		v.Add("identification.items", "list 1–%d items identified, got %d", maxGoods, n)
	}
	for i, it := range in.GetItems() {
		f := fmt.Sprintf("identification.items[%d]", i)
		st.Items = append(st.Items, IdentifiedItem{GoodsID: v.Text(f+".goods_id", it.GetGoodsId(), true, 64), Counterfeit: it.GetCounterfeit(),
			Basis: v.Text(f+".basis", it.GetBasis(), true, maxShort)})
	}
	resp := &ipcasev1.RecordIdentificationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			err := c.Record.RecordIdentification(id, st, c.Today, s.moveDecision(c, "not counted: identification "+id, "signed by "+st.SignedBy))
			if err != nil {
				return err
			}
			return s.addResult(c, st.Statement, sourceIdentification, "identification signed by "+st.SignedBy)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message {
			return &ipcasev1.RecordIdentificationResponse{Case: c}
		})
}

// addResult makes the document of a result evidence of the matter, cited
// by its digest like an upload (package evidence keeps the content).
func (s *Server) addResult(c *Change, d EvidenceItem, source, what string) error {
	if d.Description == "" {
		d.Description = what
	}
	return s.store.Filing().AddEvidence(c.Tx, c.Matter, []filing.Evidence{{SHA256: d.SHA256, Size: d.Size, MediaType: d.MediaType,
		Source: source, Description: d.Description}}, c.At)
}

// cited refuses digests that are not evidence of m: findings and
// decisions cite the matter's evidence (reports, identifications, seized
// items), never a file outside it.
func cited(m *filing.Matter, field string, digests []string) error {
	for i, d := range digests {
		if !slices.ContainsFunc(m.Evidence, func(e filing.Evidence) bool { return e.SHA256 == d }) {
			return errs.Field(fmt.Sprintf("%s[%d]", field, i), "%s is not evidence of matter %s: record the report, identification or inspection that brings it first", d, m.Number)
		}
	}
	return nil
}

func (v *validator) appraisal(a *ipcasev1.AppraisalRequest, today civil.Date) Appraisal {
	if a == nil {
		v.Add("appraisal", "required")
		return Appraisal{}
	}
	out := Appraisal{ID: newID(), Kind: appraisalKinds[a.GetKind()], Institution: v.Text("appraisal.institution", a.GetInstitution(), true, maxShort),
		Question: v.Text("appraisal.question", a.GetQuestion(), true, maxText), SentOn: v.Date("appraisal.sent_on", a.GetSentOn(), today)}
	if out.Kind == "" {
		v.Add("appraisal.kind", "required: TESTING (inspection, testing or appraisal by an institution) or IDENTIFICATION (by the right holder)")
	}
	if out.SentOn.After(today) {
		v.Add("appraisal.sent_on", "%s is after today, %s: record the request once it was sent", out.SentOn.String(), today.String())
	}
	if n := len(a.GetSamples()); n == 0 || n > maxGoods {
		v.Add("appraisal.samples", "list 1–%d seized goods the samples come from, got %d", maxGoods, n)
	}
	for i, id := range a.GetSamples() {
		out.Samples = append(out.Samples, v.Text(fmt.Sprintf("appraisal.samples[%d]", i), id, true, 64))
	}
	return out
}

// document validates the uploaded document of a result, named by digest.
func (v *validator) document(field string, e *ipcasev1.Evidence) EvidenceItem {
	if e == nil {
		v.Add(field, "required: upload the document first (EvidenceService.UploadEvidence) and name it by its digest")
		return EvidenceItem{}
	}
	if e.GetSizeBytes() < 0 {
		v.Add(field+".size_bytes", "must not be negative")
	}
	return EvidenceItem{SHA256: v.SHA256(field+".sha256", e.GetSha256()), Size: e.GetSizeBytes(),
		MediaType: v.MediaType(field+".media_type", e.GetMediaType(), true), Description: v.Text(field+".description", e.GetDescription(), false, 1000)}
}

// digests validates a list of cited digests.
func (v *validator) digests(field string, list []string) []string {
	if len(list) > maxEvidence {
		v.Add(field, "too many: %d, at most %d", len(list), maxEvidence)
		return nil
	}
	var out []string
	for i, d := range list {
		out = append(out, v.SHA256(fmt.Sprintf("%s[%d]", field, i), d))
	}
	return out
}

func toProtoEvidence(e EvidenceItem, src ipcasev1.EvidenceSource) *ipcasev1.Evidence {
	return &ipcasev1.Evidence{Sha256: e.SHA256, SizeBytes: e.Size, MediaType: e.MediaType, Source: src, Description: e.Description}
}

func toProtoAppraisal(a *Appraisal) *ipcasev1.Appraisal {
	out := &ipcasev1.Appraisal{Id: a.ID, Pending: a.Pending(), DaysNotCounted: int32(min(a.DaysNotCounted, math.MaxInt32)), //nolint:gosec // G115: bounded by math.MaxInt32
		Request: &ipcasev1.AppraisalRequest{Kind: ipcasev1.AppraisalKind(ipcasev1.AppraisalKind_value["APPRAISAL_KIND_"+string(a.Kind)]),
			Institution: a.Institution, Question: a.Question, Samples: a.Samples, SentOn: a.SentOn.String()}}
	if r := a.Report; r != nil {
		out.Report = &ipcasev1.AppraisalReport{Number: r.Number, Qualification: r.Qualification, Conclusion: r.Conclusion,
			ReportedOn: r.ReportedOn.String(), ReceivedOn: r.ReceivedOn.String(),
			Document: toProtoEvidence(r.Document, ipcasev1.EvidenceSource_EVIDENCE_SOURCE_APPRAISAL_REPORT)}
	}
	if s := a.Identification; s != nil {
		pi := &ipcasev1.Identification{SignedBy: s.SignedBy, SignedOn: s.SignedOn.String(), ReceivedOn: s.ReceivedOn.String(),
			Statement: toProtoEvidence(s.Statement, ipcasev1.EvidenceSource_EVIDENCE_SOURCE_IDENTIFICATION)}
		for _, it := range s.Items {
			pi.Items = append(pi.Items, &ipcasev1.IdentifiedItem{GoodsId: it.GoodsID, Counterfeit: it.Counterfeit, Basis: it.Basis})
		}
		out.Identification = pi
	}
	return out
}
