package filing

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
)

// Input limits. Every string and list of a request is bounded, so that one
// request cannot make the store or the logs carry unbounded data.
const (
	maxRequestID   = 64
	maxName        = 200
	maxCode        = 32
	maxContact     = 500
	maxFacts       = 20000
	maxClaims      = 5000
	maxReason      = 2000
	maxTitle       = 500
	maxRegNumber   = 64
	maxDescription = 20000
	maxMediaType   = 127
	maxParties     = 50
	maxRights      = 50
	maxEvidence    = 200
	maxEvidenceLen = 1000
)

var (
	requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)
	sha256Pattern    = regexp.MustCompile(`^[0-9a-f]{64}$`)
	mediaTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$`)
	countryPattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	codePattern      = regexp.MustCompile(`^[^\s]+$`)
)

// validator collects field violations of one request.
type validator struct{ errs.FieldErrors }

func (v *validator) text(field, s string, required bool, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "required")
	case n > max:
		v.Add(field, "too long: %d characters, at most %d", n, max)
	case strings.ContainsRune(s, utf8.RuneError):
		// The server's codec replaces invalid UTF-8 with U+FFFD so that the
		// request reaches validation and the field can be named.
		v.Add(field, "contains invalid UTF-8")
	}
}

func (v *validator) code(field, s string, required bool) {
	v.text(field, s, required, maxCode)
	if s != "" && !codePattern.MatchString(s) {
		v.Add(field, "must not contain spaces")
	}
}

func (v *validator) date(field, s string) *time.Time {
	if s == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.Add(field, "must be a date written YYYY-MM-DD, got %q", s)
		return nil
	}
	return &d
}

func (v *validator) requestID(id string) {
	if id == "" {
		return
	}
	if len(id) > maxRequestID || !requestIDPattern.MatchString(id) {
		v.Add("request_id", "must be 1–%d characters of letters, digits and . _ : -", maxRequestID)
	}
}

func (v *validator) etag(etag string) {
	if etag == "" {
		v.Add("etag", "required: send the etag of the matter as last read")
	}
}

func (v *validator) party(field string, p *ipcasev1.Party) Party {
	if p == nil {
		v.Add(field, "required")
		return Party{}
	}
	if ref := p.GetName(); ref != "" {
		id, ok := strings.CutPrefix(ref, "parties/")
		if !ok || !uuidPattern.MatchString(id) {
			v.Add(field+".name", "must be a party name, parties/{id}")
		}
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
	v.text(field+".display_name", out.Name, true, maxName)
	v.text(field+".contact", out.Contact, false, maxContact)
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
	v.text(field+".registration_number", out.RegNumber, false, maxRegNumber)
	v.text(field+".title", out.Title, true, maxTitle)
	v.text(field+".holder", out.Holder, false, maxName)
	v.text(field+".description", out.Description, false, maxDescription)
	out.TermStart = v.date(field+".term_start", r.GetTermStart())
	out.TermEnd = v.date(field+".term_end", r.GetTermEnd())
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
	out := Evidence{SHA256: strings.ToLower(e.GetSha256()), Size: e.GetSizeBytes(), MediaType: e.GetMediaType(), Description: e.GetDescription()}
	if !sha256Pattern.MatchString(out.SHA256) {
		v.Add(field+".sha256", "must be a SHA-256 digest: 64 hexadecimal characters")
	}
	if out.Size < 0 {
		v.Add(field+".size_bytes", "must not be negative")
	}
	if out.MediaType == "" {
		v.Add(field+".media_type", "required")
	} else if len(out.MediaType) > maxMediaType || !mediaTypePattern.MatchString(out.MediaType) {
		v.Add(field+".media_type", "must be a media type such as application/pdf")
	}
	src, ok := evidenceSources[e.GetSource()]
	if !ok {
		v.Add(field+".source", "required: say how the item was obtained")
	}
	out.Source = src
	v.text(field+".description", out.Description, false, maxEvidenceLen)
	return out
}

// complaintFromProto validates a SubmitComplaint request and converts it; it
// reports every bad field at once.
func complaintFromProto(req *ipcasev1.SubmitComplaintRequest, today time.Time) (*Matter, error) {
	var v validator
	v.requestID(req.GetRequestId())
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
	v.text("facts", m.Facts, true, maxFacts)
	v.text("claims", m.Claims, false, maxClaims)
	v.code("agency", m.Agency, true)
	m.KnownSince = v.date("known_since", req.GetKnownSince())
	if m.KnownSince != nil && m.KnownSince.After(today) {
		v.Add("known_since", "is in the future")
	}
	return m, v.Err()
}

// requestHash digests a request without its request_id, so that a retry
// can be told apart from a different request that reuses the id.
func requestHash(req proto.Message) ([]byte, error) {
	c := proto.Clone(req)
	if f := c.ProtoReflect().Descriptor().Fields().ByName("request_id"); f != nil {
		c.ProtoReflect().Clear(f)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return nil, err
	}
	return sha256Sum(b), nil
}

func partyToProto(p Party) *ipcasev1.Party {
	kind := ipcasev1.PartyKind_PARTY_KIND_PERSON
	if p.Kind == Organization {
		kind = ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION
	}
	return &ipcasev1.Party{Name: "parties/" + p.ID, Kind: kind, DisplayName: p.Name, CreditCode: p.CreditCode, DomicileCountry: p.Country, Contact: p.Contact}
}

func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
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
