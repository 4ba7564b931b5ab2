package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// document is the flags naming an uploaded document by its digest.
type document struct{ sha256, mediaType, size string }

func (d *document) flags(cmd *cobra.Command, what string) {
	fs := cmd.Flags()
	fs.StringVar(&d.sha256, "document", "", "SHA-256 of the "+what+", uploaded first (ipcase complaint submit prints digests)")
	fs.StringVar(&d.size, "size", "", "its size in bytes")
	fs.StringVar(&d.mediaType, "media-type", "application/pdf", "its media type")
}

func (d *document) proto() (*ipcasev1.Evidence, error) {
	n, err := strconv.ParseInt(d.size, 10, 64)
	if err != nil || n < 0 {
		return nil, usagef("--size: %q is not a size in bytes", d.size)
	}
	return &ipcasev1.Evidence{Sha256: d.sha256, SizeBytes: n, MediaType: d.mediaType}, nil
}

func newEnforcementAppraiseCmd(cfg *config) *cobra.Command {
	var f struct {
		kind, to, question, sentOn string
		samples                    []string
	}
	cmd := enforcementStep(cfg, "appraise CASE --kind testing|identification --to NAME --question TEXT --sample GOODS … [--sent-on D]",
		"Send samples of seized goods for inspection, testing or appraisal, or to the right holder for identification; "+
			"the 90 days to decide stop running until the result is received (SAMR Administrative Penalty Procedure Rules Art. 64 ¶2)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			k := ipcasev1.AppraisalKind_value["APPRAISAL_KIND_"+strings.ToUpper(f.kind)]
			if k == 0 {
				return nil, usagef("--kind: %q is not testing or identification", f.kind)
			}
			r, err := c.enforcement.RequestAppraisal(ctx, &ipcasev1.RequestAppraisalRequest{Name: name, Etag: etag, RequestId: id,
				Appraisal: &ipcasev1.AppraisalRequest{Kind: ipcasev1.AppraisalKind(k), Institution: f.to, Question: f.question,
					Samples: f.samples, SentOn: f.sentOn}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.kind, "kind", "", "testing (an institution) or identification (the right holder)")
	fs.StringVar(&f.to, "to", "", "the institution, or the right holder")
	fs.StringVar(&f.question, "question", "", "the question put")
	fs.StringArrayVar(&f.samples, "sample", nil, "id of seized goods a sample comes from (repeat)")
	fs.StringVar(&f.sentOn, "sent-on", "", "day sent (default today)")
	return cmd
}

func newEnforcementReportCmd(cfg *config) *cobra.Command {
	var f struct {
		appraisal, number, qualification, conclusion, reportedOn, receivedOn string
		doc                                                                  document
	}
	cmd := enforcementStep(cfg, "report CASE --appraisal ID --number N --qualification Q --conclusion TEXT --reported-on D [--received-on D] --document SHA256 --size N",
		"Record an institution's report; the report joins the matter's evidence and the days from sending to receipt are not counted",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			doc, err := f.doc.proto()
			if err != nil {
				return nil, err
			}
			r, err := c.enforcement.RecordAppraisalReport(ctx, &ipcasev1.RecordAppraisalReportRequest{Name: name, Etag: etag, RequestId: id,
				AppraisalId: f.appraisal, Report: &ipcasev1.AppraisalReport{Number: f.number, Qualification: f.qualification,
					Conclusion: f.conclusion, ReportedOn: f.reportedOn, ReceivedOn: f.receivedOn, Document: doc}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.appraisal, "appraisal", "", "id of the request")
	fs.StringVar(&f.number, "number", "", "the report's number")
	fs.StringVar(&f.qualification, "qualification", "", "the institution's qualification (accreditation number)")
	fs.StringVar(&f.conclusion, "conclusion", "", "the conclusion")
	fs.StringVar(&f.reportedOn, "reported-on", "", "the report's date")
	fs.StringVar(&f.receivedOn, "received-on", "", "day received (default the report's date)")
	f.doc.flags(cmd, "report")
	return cmd
}

func newEnforcementIdentifiedCmd(cfg *config) *cobra.Command {
	var f struct {
		appraisal, signedBy, signedOn, receivedOn string
		counterfeit, genuine                      []string
		basis                                     string
		doc                                       document
	}
	cmd := enforcementStep(cfg, "identified CASE --appraisal ID --signed-by NAME --signed-on D [--received-on D] --counterfeit GOODS … [--genuine GOODS …] --basis TEXT --document SHA256 --size N",
		"Record the right holder's signed identification (辨认鉴别) of every sample; the statement joins the matter's evidence and the days from sending to receipt are not counted",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			doc, err := f.doc.proto()
			if err != nil {
				return nil, err
			}
			var items []*ipcasev1.IdentifiedItem
			for _, g := range f.counterfeit {
				items = append(items, &ipcasev1.IdentifiedItem{GoodsId: g, Counterfeit: true, Basis: f.basis})
			}
			for _, g := range f.genuine {
				items = append(items, &ipcasev1.IdentifiedItem{GoodsId: g, Basis: f.basis})
			}
			r, err := c.enforcement.RecordIdentification(ctx, &ipcasev1.RecordIdentificationRequest{Name: name, Etag: etag, RequestId: id,
				AppraisalId: f.appraisal, Identification: &ipcasev1.Identification{SignedBy: f.signedBy, SignedOn: f.signedOn,
					ReceivedOn: f.receivedOn, Items: items, Statement: doc}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.appraisal, "appraisal", "", "id of the request")
	fs.StringVar(&f.signedBy, "signed-by", "", "who signed for the right holder")
	fs.StringVar(&f.signedOn, "signed-on", "", "day signed")
	fs.StringVar(&f.receivedOn, "received-on", "", "day received (default the day signed)")
	fs.StringArrayVar(&f.counterfeit, "counterfeit", nil, "goods identified as not the holder's own (repeat)")
	fs.StringArrayVar(&f.genuine, "genuine", nil, "goods identified as genuine (repeat)")
	fs.StringVar(&f.basis, "basis", "", "the marks or features the identification rests on")
	f.doc.flags(cmd, "signed statement")
	return cmd
}
