package filing

import (
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/request"
)

// Input limits. Every string and list of a request is bounded, so that one
// request cannot make the store or the logs carry unbounded data.
const (
	maxName        = 200
	maxContact     = 500
	maxFacts       = 20000
	maxClaims      = 5000
	maxReason      = 2000
	maxTitle       = 500
	maxRegNumber   = 64
	maxDescription = 20000
	maxParties     = 50
	maxRights      = 50
	maxEvidence    = 200
	maxEvidenceLen = 1000
)

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// validator checks the parts of a complaint with the one request
// validator.
type validator struct{ request.Validator }

func (v *validator) party(field string, p *ipcasev1.Party) Party {
	if p == nil {
		v.Add(field, "required")
		return Party{}
	}
	if ref := p.GetName(); ref != "" {
		id := v.Party(field+".name", ref)
		if p.GetKind() != 0 || p.GetDisplayName() != "" || p.GetCreditCode() != "" || p.GetDomicileCountry() != "" || p.GetContact() != "" {
			v.Add(field, "name an existing party or describe a new one, not both")
		}
		return Party{ID: id, Ref: true}
	}
	out := Party{Name: p.GetDisplayName(), CreditCode: p.GetCreditCode(), Country: p.GetDomicileCountry(), Contact: p.GetContact()}
	switch p.GetKind() {
	case ipcasev1.PartyKind_PARTY_KIND_PERSON:
		out.Kind = Person
		if out.CreditCode != "" {
			v.Add(field+".credit_code", "only organisations carry a unified social credit code")
		}
	case ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION:
		out.Kind = Organization
		if out.CreditCode == "" {
			v.Add(field+".credit_code", "required for organisations")
		} else if err := CheckCreditCode(out.CreditCode); err != nil {
			v.Add(field+".credit_code", "%v", err)
		}
	default:
		v.Add(field+".kind", "must be PARTY_KIND_PERSON or PARTY_KIND_ORGANIZATION")
	}
	v.Name(field+".display_name", out.Name, true, maxName)
	v.Text(field+".contact", out.Contact, false, maxContact)
	if out.Country == "" {
		out.Country = "CN"
	} else if !countryPattern.MatchString(out.Country) {
		v.Add(field+".domicile_country", "must be an ISO 3166-1 alpha-2 code such as CN or US")
	}
	return out
}

var ipTypes = map[ipcasev1.IpType]IPType{
	ipcasev1.IpType_IP_TYPE_PATENT_INVENTION:        PatentInvention,
	ipcasev1.IpType_IP_TYPE_PATENT_UTILITY_MODEL:    PatentUtilityModel,
	ipcasev1.IpType_IP_TYPE_PATENT_DESIGN:           PatentDesign,
	ipcasev1.IpType_IP_TYPE_TRADEMARK:               Trademark,
	ipcasev1.IpType_IP_TYPE_COPYRIGHT:               Copyright,
	ipcasev1.IpType_IP_TYPE_TRADE_SECRET:            TradeSecret,
	ipcasev1.IpType_IP_TYPE_GEOGRAPHICAL_INDICATION: GeographicalIndication,
	ipcasev1.IpType_IP_TYPE_IC_LAYOUT_DESIGN:        ICLayoutDesign,
	ipcasev1.IpType_IP_TYPE_PLANT_VARIETY:           PlantVariety,
}

func (v *validator) right(field string, r *ipcasev1.IpRight) Right {
	if r == nil {
		v.Add(field, "required")
		return Right{}
	}
	t, ok := ipTypes[r.GetType()]
	if !ok {
		v.Add(field+".type", "unknown IP type %d; use one of the IpType values", int32(r.GetType()))
	}
	out := Right{Type: t, RegNumber: strings.TrimSpace(r.GetRegistrationNumber()), Title: r.GetTitle(), Holder: r.GetHolder(), Description: r.GetDescription()}
	v.Name(field+".registration_number", out.RegNumber, false, maxRegNumber)
	v.Name(field+".title", out.Title, true, maxTitle)
	v.Name(field+".holder", out.Holder, false, maxName)
	v.Text(field+".description", out.Description, false, maxDescription)
	out.TermStart = v.OptionalDate(field+".term_start", r.GetTermStart())
	out.TermEnd = v.OptionalDate(field+".term_end", r.GetTermEnd())
	if out.TermStart != nil && out.TermEnd != nil && out.TermEnd.Before(*out.TermStart) {
		v.Add(field+".term_end", "is before term_start")
	}
	return out
}

var evidenceSources = map[ipcasev1.EvidenceSource]string{
	ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY:       "PARTY",
	ipcasev1.EvidenceSource_EVIDENCE_SOURCE_NOTARISED:   "NOTARISED",
	ipcasev1.EvidenceSource_EVIDENCE_SOURCE_TIMESTAMPED: "TIMESTAMPED",
	ipcasev1.EvidenceSource_EVIDENCE_SOURCE_SEIZED:      "SEIZED",
	ipcasev1.EvidenceSource_EVIDENCE_SOURCE_OTHER:       "OTHER",
}

func (v *validator) evidence(field string, e *ipcasev1.Evidence) Evidence {
	if e == nil {
		v.Add(field, "required")
		return Evidence{}
	}
	out := Evidence{SHA256: v.SHA256(field+".sha256", e.GetSha256()), Size: e.GetSizeBytes(),
		MediaType: v.MediaType(field+".media_type", e.GetMediaType(), true), Description: e.GetDescription()}
	if out.Size < 0 {
		v.Add(field+".size_bytes", "must not be negative")
	}
	src, ok := evidenceSources[e.GetSource()]
	if !ok {
		v.Add(field+".source", "required: say how the item was obtained")
	}
	out.Source = src
	v.Text(field+".description", out.Description, false, maxEvidenceLen)
	return out
}

// ComplaintFromProto validates a complaint as SubmitComplaint does and
// converts it, reporting every bad field at once; today bounds known_since.
func ComplaintFromProto(req *ipcasev1.SubmitComplaintRequest, today civil.Date) (*Matter, error) {
	var v validator
	v.RequestID(req.GetRequestId())
	m := &Matter{Complainant: v.party("complainant", req.GetComplainant()), Facts: req.GetFacts(), Claims: req.GetClaims(), Agency: req.GetAgency()}
	switch n := len(req.GetRespondents()); {
	case n == 0:
		v.Add("respondents", "at least one respondent is required")
	case n > maxParties:
		v.Add("respondents", "too many: %d, at most %d", n, maxParties)
	default:
		for i, p := range req.GetRespondents() {
			m.Respondents = append(m.Respondents, v.party(fmt.Sprintf("respondents[%d]", i), p))
		}
	}
	switch n := len(req.GetRights()); {
	case n == 0:
		v.Add("rights", "at least one right is required")
	case n > maxRights:
		v.Add("rights", "too many: %d, at most %d", n, maxRights)
	default:
		for i, r := range req.GetRights() {
			m.Rights = append(m.Rights, v.right(fmt.Sprintf("rights[%d]", i), r))
		}
	}
	if n := len(req.GetEvidence()); n > maxEvidence {
		v.Add("evidence", "too many: %d, at most %d", n, maxEvidence)
	} else {
		seen := map[string]int{}
		for i, e := range req.GetEvidence() {
			ev := v.evidence(fmt.Sprintf("evidence[%d]", i), e)
			if j, dup := seen[ev.SHA256]; dup && ev.SHA256 != "" {
				v.Add(fmt.Sprintf("evidence[%d].sha256", i), "same digest as evidence[%d]", j)
			}
			seen[ev.SHA256] = i
			m.Evidence = append(m.Evidence, ev)
		}
	}
	v.Text("facts", m.Facts, true, maxFacts)
	v.Text("claims", m.Claims, false, maxClaims)
	v.Code("agency", m.Agency, true)
	m.KnownSince = v.OptionalDate("known_since", req.GetKnownSince())
	if m.KnownSince != nil && m.KnownSince.After(today) {
		v.Add("known_since", "is in the future")
	}
	return m, v.Err()
}

func partyToProto(p Party) *ipcasev1.Party {
	kind := ipcasev1.PartyKind_PARTY_KIND_PERSON
	if p.Kind == Organization {
		kind = ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION
	}
	return &ipcasev1.Party{Name: "parties/" + p.ID, Kind: kind, DisplayName: p.Name, CreditCode: p.CreditCode, DomicileCountry: p.Country, Contact: p.Contact}
}

func dateString(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func rightToProto(r Right) *ipcasev1.IpRight {
	out := &ipcasev1.IpRight{Name: "rights/" + r.ID, RegistrationNumber: r.RegNumber, Title: r.Title, Holder: r.Holder,
		TermStart: dateString(r.TermStart), TermEnd: dateString(r.TermEnd), Description: r.Description}
	for pt, t := range ipTypes {
		if t == r.Type {
			out.Type = pt
		}
	}
	return out
}

func matterToProto(m *Matter) *ipcasev1.Matter {
	out := &ipcasev1.Matter{
		Name:        "matters/" + string(m.ID),
		Number:      m.Number,
		State:       ipcasev1.MatterState(ipcasev1.MatterState_value["MATTER_STATE_"+string(m.State)]),
		Complainant: partyToProto(m.Complainant),
		Facts:       m.Facts,
		Claims:      m.Claims,
		KnownSince:  dateString(m.KnownSince),
		Agency:      m.Agency,
		CreateTime:  timestamppb.New(m.Created),
		UpdateTime:  timestamppb.New(m.Updated),
		Etag:        m.Etag(),
	}
	for _, p := range m.Respondents {
		out.Respondents = append(out.Respondents, partyToProto(p))
	}
	for _, r := range m.Rights {
		out.Rights = append(out.Rights, rightToProto(r))
	}
	for _, e := range m.Evidence {
		out.Evidence = append(out.Evidence, &ipcasev1.Evidence{
			Name: fmt.Sprintf("matters/%s/evidence/%s", m.ID, e.ID), Sha256: e.SHA256, SizeBytes: e.Size, MediaType: e.MediaType,
			Source: ipcasev1.EvidenceSource(ipcasev1.EvidenceSource_value["EVIDENCE_SOURCE_"+e.Source]), Description: e.Description})
	}
	for _, p := range m.Proceedings {
		out.Proceedings = append(out.Proceedings, &ipcasev1.Proceeding{
			Name:       fmt.Sprintf("matters/%s/proceedings/%s", m.ID, p.ID),
			Kind:       ipcasev1.ProceedingKind(ipcasev1.ProceedingKind_value["PROCEEDING_KIND_"+string(p.Kind)]),
			State:      ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(p.State)]),
			Number:     p.Number,
			Forum:      p.Forum,
			Reason:     p.Reason,
			CreateTime: timestamppb.New(p.Created),
			UpdateTime: timestamppb.New(p.Updated),
		})
	}
	for _, w := range m.Warnings {
		out.Warnings = append(out.Warnings, &ipcasev1.Warning{Code: w.Code, Message: w.Message, Related: w.Related})
	}
	return out
}
