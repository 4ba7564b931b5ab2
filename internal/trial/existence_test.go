package trial_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	ipstatus "github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/trial"
)

// byName is how each RPC that names a matter or a proceeding is called: a
// request valid in every field but the name, as protojson with {{MATTER}} or
// {{PROCEEDING}} where the name goes ({{AGENCY}}: an agency, the caller's own
// if it has one; {{PARTY}}: a party of the matter), and the kind of proceeding the name
// points at.
var byName = map[string]struct {
	kind     filing.ProceedingKind // "" for a matter name
	template string
}{
	"/ipcase.v1.FilingService/GetMatter":           {"", `{"name":"{{MATTER}}"}`},
	"/ipcase.v1.FilingService/AcceptComplaint":     {"", `{"name":"{{MATTER}}","etag":"\"v1\"","route":"PROCEEDING_KIND_ENFORCEMENT","forum":"SAMR-SZ"}`},
	"/ipcase.v1.FilingService/RejectComplaint":     {"", `{"name":"{{MATTER}}","etag":"\"v1\"","reason":"no infringement"}`},
	"/ipcase.v1.FilingService/WithdrawComplaint":   {"", `{"name":"{{MATTER}}","etag":"\"v1\""}`},
	"/ipcase.v1.FilingService/ListMatterEvents":    {"", `{"parent":"{{MATTER}}"}`},
	"/ipcase.v1.FilingService/VerifyMatterHistory": {"", `{"name":"{{MATTER}}"}`},
	"/ipcase.v1.StatusService/GetMatterStatus":     {"", `{"name":"{{MATTER}}"}`},
	// A decision of someone else's matter is not found as the matter is not.
	"/ipcase.v1.DecisionService/ListDecisions":       {"", `{"parent":"{{MATTER}}"}`},
	"/ipcase.v1.DecisionService/GetDecisionDocument": {"", `{"name":"{{MATTER}}/decisions/ABCDE23456"}`},
	// Customs proceedings are walked on a matter of their own (customsMatter).
	"/ipcase.v1.CustomsService/GetShipment":        {filing.KindCustoms, `{"name":"{{PROCEEDING}}"}`},
	"/ipcase.v1.CustomsService/DetainGoods":        {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e"}`},
	"/ipcase.v1.CustomsService/RefuseDetention":    {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.CustomsService/ReplyToNotice":      {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","apply":true,"guaranteeYuan":"1"}`},
	"/ipcase.v1.CustomsService/FileCourtAction":    {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","court":"京73"}`},
	"/ipcase.v1.CustomsService/RecordCourtNotice":  {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","court":"京73","courtNumber":"n","order":"o"}`},
	"/ipcase.v1.CustomsService/DecideInfringement": {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","finding":"CUSTOMS_FINDING_NOT_INFRINGING","reason":"r"}`},
	"/ipcase.v1.CustomsService/ReleaseGoods":       {filing.KindCustoms, `{"name":"{{PROCEEDING}}","etag":"e","reason":"RELEASE_REASON_HOLDER_WITHDREW"}`},

	"/ipcase.v1.EnforcementService/OpenEnforcement":        {"", `{"agency":"{{AGENCY}}","matter":"{{MATTER}}"}`},
	"/ipcase.v1.EnforcementService/GetEnforcement":         {filing.KindEnforcement, `{"name":"{{PROCEEDING}}"}`},
	"/ipcase.v1.EnforcementService/AssignOfficers":         {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","officers":[{"subject":"o@x","displayName":"O"}]}`},
	"/ipcase.v1.EnforcementService/RecordInspection":       {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","inspection":{"date":"2026-06-01","place":"p","findings":"f"}}`},
	"/ipcase.v1.EnforcementService/RecordCustody":          {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","goodsId":"g","entry":{"action":"CUSTODY_ACTION_MOVED","date":"2026-06-01","by":"b"}}`},
	"/ipcase.v1.EnforcementService/RecordFindings":         {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","findings":{"text":"t","computation":"c"}}`},
	"/ipcase.v1.EnforcementService/NotifyPenalty":          {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","servedOn":"2026-06-01","fine":{}}`},
	"/ipcase.v1.EnforcementService/RequestHearing":         {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","requestedOn":"2026-06-01"}`},
	"/ipcase.v1.EnforcementService/ServeHearingNotice":     {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","servedOn":"2026-06-01","scheduledFor":"2026-07-01"}`},
	"/ipcase.v1.EnforcementService/RecordDecisionPause":    {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","pause":{"kind":"PAUSE_KIND_TESTING","start":"2026-06-01","end":"2026-06-02","reason":"r"}}`},
	"/ipcase.v1.EnforcementService/RequestAppraisal":       {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","appraisal":{"kind":"APPRAISAL_KIND_TESTING","institution":"i","question":"q","samples":["g"],"sent_on":"2026-06-01"}}`},
	"/ipcase.v1.EnforcementService/RecordAppraisalReport":  {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","appraisal_id":"a","report":{"number":"n","qualification":"q","conclusion":"c","reported_on":"2026-06-01","document":{"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size_bytes":1,"media_type":"application/pdf"}}}`},
	"/ipcase.v1.EnforcementService/RecordIdentification":   {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","appraisal_id":"a","identification":{"signed_by":"s","signed_on":"2026-06-01","items":[{"goods_id":"g","counterfeit":true,"basis":"b"}],"statement":{"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","size_bytes":1,"media_type":"application/pdf"}}}`},
	"/ipcase.v1.EnforcementService/RecordFinePayment":      {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","paidOn":"2026-06-01"}`},
	"/ipcase.v1.EnforcementService/RecordHearing":          {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","heldOn":"2026-06-01","record":"r"}`},
	"/ipcase.v1.EnforcementService/ExtendDecisionDeadline": {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","approvedBy":"a","reason":"r"}`},
	"/ipcase.v1.EnforcementService/DecidePenalty":          {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","decidedOn":"2026-06-01","fineYuan":"100"}`},
	"/ipcase.v1.EnforcementService/DismissEnforcement":     {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.EnforcementService/TransferToCourt":        {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","court":"京73","reason":"r"}`},
	"/ipcase.v1.EnforcementService/TransferToPolice":       {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e","policeUnit":"u","reason":"r"}`},
	"/ipcase.v1.EnforcementService/CloseEnforcement":       {filing.KindEnforcement, `{"name":"{{PROCEEDING}}","etag":"e"}`},

	"/ipcase.v1.MediationService/RequestMediation":          {"", `{"matter":"{{MATTER}}","forum":"{{AGENCY}}"}`},
	"/ipcase.v1.MediationService/GetMediation":              {filing.KindMediation, `{"name":"{{PROCEEDING}}"}`},
	"/ipcase.v1.MediationService/RecordConsent":             {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","party":"{{PARTY}}","consents":true,"consentedOn":"2026-06-01"}`},
	"/ipcase.v1.MediationService/AssignMediator":            {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","mediator":"m@x","displayName":"M"}`},
	"/ipcase.v1.MediationService/StartMediation":            {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e"}`},
	"/ipcase.v1.MediationService/RecordSession":             {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","session":{"date":"2026-06-01","attendees":["a"]}}`},
	"/ipcase.v1.MediationService/RecordAgreement":           {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","agreement":{"paymentYuan":"1","effectiveOn":"2026-06-01"}}`},
	"/ipcase.v1.MediationService/FailMediation":             {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.MediationService/WithdrawMediation":         {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","party":"{{PARTY}}"}`},
	"/ipcase.v1.MediationService/ChooseRouteAfterMediation": {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","route":"MEDIATION_ROUTE_SUIT","court":"浙01"}`},
	"/ipcase.v1.MediationService/RequestConfirmation":       {filing.KindMediation, `{"name":"{{PROCEEDING}}","etag":"e","court":"京73","appliedOn":"2026-06-01"}`},

	"/ipcase.v1.TrialService/GetTrial":               {filing.KindTrial, `{"name":"{{PROCEEDING}}"}`},
	"/ipcase.v1.TrialService/DocketTrial":            {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","kind":"CASE_KIND_CIVIL"}`},
	"/ipcase.v1.TrialService/DeclineTrial":           {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.TrialService/ExtendTimeLimit":        {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","approvedBy":"a","reason":"r"}`},
	"/ipcase.v1.TrialService/PauseTimeLimit":         {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","pause":{"reason":"TIME_LIMIT_PAUSE_REASON_APPRAISAL","start":"2026-06-01","end":"2026-06-10"}}`},
	"/ipcase.v1.TrialService/AssignPanel":            {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","members":[{"name":"n","role":"JUDGE"}]}`},
	"/ipcase.v1.TrialService/OrderPreservation":      {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","order":{"kind":"PRESERVATION_KIND_EVIDENCE","subject":"s","orderedOn":"2026-06-01"}}`},
	"/ipcase.v1.TrialService/RecordEvidenceExchange": {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","exchange":{"heldOn":"2026-06-01"}}`},
	"/ipcase.v1.TrialService/ScheduleHearing":        {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","date":"2026-07-01","place":"p"}`},
	"/ipcase.v1.TrialService/RecordTrialHearing":     {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","record":"r"}`},
	"/ipcase.v1.TrialService/EnterJudgment":          {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","judgedOn":"2026-06-01"}`},
	"/ipcase.v1.TrialService/ServeJudgment":          {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","party":"{{PARTY}}","servedOn":"2026-06-01"}`},
	"/ipcase.v1.TrialService/FileAppeal":             {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","party":"{{PARTY}}","filedOn":"2026-06-01","appellateCourt":"京高"}`},
	"/ipcase.v1.TrialService/WithdrawTrial":          {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.TrialService/SettleTrial":            {filing.KindTrial, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
	"/ipcase.v1.TrialService/ConfirmAgreement":       {filing.KindConfirmation, `{"name":"{{PROCEEDING}}","etag":"e"}`},
	"/ipcase.v1.TrialService/RefuseConfirmation":     {filing.KindConfirmation, `{"name":"{{PROCEEDING}}","etag":"e","reason":"r"}`},
}

// notMatterNames are the methods whose requests have a name-like field
// that is not a matter's or a proceeding's, and why they are not walked.
var notMatterNames = map[string]string{
	"/ipcase.v1.AuditService/ListAccessLog":                "administrators only; the matter is a filter",
	"/ipcase.v1.CustomsService/GetRecordation":             "a recordation's name; recordations belong to no matter, and the service keeps a holder to its own",
	"/ipcase.v1.CustomsService/RenewRecordation":           "a recordation's name; recordations belong to no matter, and the service keeps a holder to its own",
	"/ipcase.v1.NotificationService/DeleteWebhook":         "a webhook's name (internal/webhook answers alike for others' and absent ones)",
	"/ipcase.v1.NotificationService/ListWebhookDeliveries": "a webhook's name; the matter is a filter of the caller's own deliveries",
	"/ipcase.v1.NotificationService/CreateWebhook":         "names no existing resource",
	"/ipcase.v1.FilingService/ListMatters":                 "a list: it shows what the caller may see, and nothing of the rest",
	"/ipcase.v1.EvidenceService/UploadEvidence":            "names no matter",
	"/ipcase.v1.StatusService/RedeemSignInLink":            "names no matter",
	"/ipcase.v1.DamagesService/CalculateDamages":           "names no matter",
	"/ipcase.v1.DamagesService/CalculateFine":              "names no matter",
	"/ipcase.v1.DeadlineService/CalculateDeadline":         "names no matter",
	"/ipcase.v1.EventService/Subscribe":                    "a stream filtered to what the caller may see",
	"/ipcase.v1.StatusService/GetCaller":                   "names no matter",
	"/ipcase.v1.StatusService/IssueSignInLink":             "reads the matter through FilingService.GetMatter, walked here; served without sign-in links",
	"/ipcase.v1.NotificationService/ListWebhooks":          "the caller's own webhooks",
	"/ipcase.v1.PublicationService/ListPublishedDocuments": "public: published, redacted documents for anyone; the matter is a filter",
	"/ipcase.v1.PublicationService/GetPublishedDocument":   "public: a published document's name, the same for everyone",
	"/ipcase.v1.FilingService/SubmitComplaint":             "names no existing matter",
}

// nameFields are the request fields that name a matter or a proceeding.
var nameFields = []protoreflect.Name{"name", "parent", "matter"}

// TestEveryNotFoundIsTheSame walks every RPC that takes a matter or a
// proceeding name, as every kind of caller the policy lets call it who has
// no part in the matter — another agency's officer and mediator, another
// court, a rights holder of no party, an officer whose agency code is the
// trial court's and a court whose code is the filing agency's — and checks
// that the answer for an existing matter (or proceeding) of someone else is
// the answer for one that does not exist: NOT_FOUND, the same message,
// the same details.
func TestEveryNotFoundIsTheSame(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	w := e.serveAll()
	x := e.fullMatter("京73")
	y := e.customsMatter(x.GetComplainant().GetName())

	callers := []struct {
		name  string
		role  auth.Role
		conn  *grpc.ClientConn
		token string
		org   string
	}{
		{"officer of another agency", auth.Officer, w.plain, e.Auth.Officer(t, "SAMR-SZ"), "SAMR-SZ"},
		{"mediator of another agency", auth.Mediator, w.plain, e.Auth.Mediator(t, "SAMR-SZ"), "SAMR-SZ"},
		{"another court", auth.Court, w.court("粤73"), "", "粤73"},
		{"rights holder of no party", auth.RightsHolder, w.plain, e.Auth.RightsHolder(t, uuid.NewString()), "SAMR-SZ"},
		{"officer coded as the trial court", auth.Officer, w.plain, e.Auth.Officer(t, "京73"), "京73"},
		{"mediator coded as the trial court", auth.Mediator, w.plain, e.Auth.Mediator(t, "京73"), "京73"},
		{"court coded as the filing agency", auth.Court, w.court(agency), "", agency},
	}
	methods := make([]string, 0, len(byName))
	for m := range byName {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	party := x.GetComplainant().GetName()
	for _, method := range methods {
		spec := byName[method]
		for _, c := range callers {
			if !auth.Allowed(method, c.role) {
				continue
			}
			ctx := authtest.WithToken(t.Context(), c.token)
			call := func(matter, proceeding string) *status.Status {
				r := strings.NewReplacer("{{MATTER}}", "matters/"+matter, "{{PROCEEDING}}", "matters/"+matter+"/proceedings/"+proceeding,
					"{{AGENCY}}", c.org, "{{PARTY}}", party)
				return invoke(ctx, t, c.conn, method, r.Replace(spec.template))
			}
			mx := x
			if spec.kind == filing.KindCustoms {
				mx = y
			}
			mid := strings.TrimPrefix(mx.GetName(), "matters/")
			pid := ""
			if spec.kind != "" {
				pid = proceedingOf(t, mx, spec.kind)
			}
			theirs := call(mid, pid)
			absent := call(uuid.NewString(), uuid.NewString())
			if theirs.Code() != codes.NotFound || absent.Code() != codes.NotFound {
				t.Errorf("%s by %s: someone else's answers %v %q, an absent one %v %q; want NOT_FOUND for both",
					method, c.name, theirs.Code(), theirs.Message(), absent.Code(), absent.Message())
				continue
			}
			if diff := cmp.Diff(absent.Proto(), theirs.Proto(), protocmp.Transform()); diff != "" {
				t.Errorf("%s by %s: someone else's answer differs from an absent one's (-absent +theirs):\n%s", method, c.name, diff)
			}
			if spec.kind != "" {
				mixed := call(mid, uuid.NewString())
				if diff := cmp.Diff(absent.Proto(), mixed.Proto(), protocmp.Transform()); diff != "" {
					t.Errorf("%s by %s: someone else's matter with an absent proceeding differs from an absent one (-absent +theirs):\n%s",
						method, c.name, diff)
				}
			}
		}
	}

	// Every RPC whose request names a matter or a proceeding is walked: a
	// new one fails here until it is added above.
	protoregistry.GlobalFiles.RangeFilesByPackage("ipcase.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				md := sd.Methods().Get(j)
				method := fmt.Sprintf("/%s/%s", sd.FullName(), md.Name())
				if _, ok := byName[method]; ok {
					continue
				}
				if _, ok := notMatterNames[method]; ok {
					continue
				}
				for _, f := range nameFields {
					if fd := md.Input().Fields().ByName(f); fd != nil && fd.Kind() == protoreflect.StringKind {
						t.Errorf("%s takes %s but is not walked: add it to byName (or, if it names no matter, to notMatterNames)", method, f)
					}
				}
			}
		}
		return true
	})
}

// invoke calls method with the request in protojson and returns the status
// it answered.
func invoke(ctx context.Context, t testing.TB, conn *grpc.ClientConn, method, reqJSON string) *status.Status {
	t.Helper()
	svc, name, _ := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		t.Fatal(err)
	}
	md := d.(protoreflect.ServiceDescriptor).Methods().ByName(protoreflect.Name(name))
	in, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
	if err != nil {
		t.Fatal(err)
	}
	out, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	if err != nil {
		t.Fatal(err)
	}
	req := in.New().Interface()
	if err := protojson.Unmarshal([]byte(reqJSON), req); err != nil {
		t.Fatalf("%s: request %s: %v", method, reqJSON, err)
	}
	return status.Convert(conn.Invoke(ctx, method, req, out.New().Interface()))
}

// customsMatter is a matter of holder's application to customs of agency
// to detain a shipment: a CUSTOMS proceeding, APPLIED.
func (e *env) customsMatter(holder string) *ipcasev1.Matter {
	t := e.t
	r, err := e.Customs.ApplyDetention(e.officer, &ipcasev1.ApplyDetentionRequest{Office: agency, RightsHolder: &ipcasev1.Party{Name: holder},
		Respondents: []*ipcasev1.Party{respondent}, Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Direction: ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT, GuaranteeYuan: "1000", Facts: "Export of counterfeit cups.",
		Goods:    []*ipcasev1.ShipmentGoods{{Description: "cups", Quantity: 100, Unit: "pcs", UnitValueYuan: "10"}},
		Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}}})
	if err != nil {
		t.Fatalf("ApplyDetention: %v", err)
	}
	got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: r.GetShipment().GetMatter()})
	if err != nil {
		t.Fatal(err)
	}
	return got.GetMatter()
}

func proceedingOf(t testing.TB, m *ipcasev1.Matter, kind filing.ProceedingKind) string {
	t.Helper()
	for _, p := range m.GetProceedings() {
		if p.GetKind().String() == "PROCEEDING_KIND_"+string(kind) {
			_, id, _ := strings.Cut(strings.TrimPrefix(p.GetName(), m.GetName()+"/"), "/")
			return id
		}
	}
	t.Fatalf("matter %s has no %s proceeding", m.GetName(), kind)
	return ""
}

// wiring is every service that takes a matter's name, served as ipcased
// serves them, on a plain listener (tokens) and a courts' one (mutual TLS).
type wiring struct {
	plain *grpc.ClientConn
	court func(code string) *grpc.ClientConn
}

func (e *env) serveAll() wiring {
	t := e.t
	now := func() time.Time { return *e.now.Load() }
	trials := trial.NewStore(e.FilingStore)
	register := func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(e.FilingStore, e.Calendar, now))
		ipcasev1.RegisterEnforcementServiceServer(s, enforcement.NewServer(e.EnforcementStore, e.Clocks, now, nil))
		ipcasev1.RegisterMediationServiceServer(s, mediation.NewServer(e.MediationStore, e.Clocks, e.EnforcementStore.Workers, now))
		ipcasev1.RegisterTrialServiceServer(s, trial.NewServer(trials, e.Clocks, now))
		ipcasev1.RegisterCustomsServiceServer(s, customs.NewServer(customs.NewStore(e.FilingStore), e.DB, e.Clocks, now))
		ipcasev1.RegisterStatusServiceServer(s, ipstatus.NewServer(ipstatus.Deps{Filing: filing.NewServer(e.FilingStore, e.Calendar, now),
			Clocks: e.Clocks, Now: now}))
		ipcasev1.RegisterDecisionServiceServer(s, decision.NewServer(decision.NewStore(e.DB, nil), now).WithDocuments(filing.NewServer(e.FilingStore, e.Calendar, now), nil))
	}
	plain := servertest.Dial(t, servertest.Serve(t, register, nil, e.Auth.ServerOptions()...))
	tlsCfg, serverCAs := e.Auth.ServerTLS(t)
	courtAddr := servertest.Serve(t, register, tlsCfg, e.Auth.ServerOptions()...)
	return wiring{plain: plain, court: func(code string) *grpc.ClientConn {
		c, err := grpc.NewClient(courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
			RootCAs: serverCAs, Certificates: []tls.Certificate{e.Auth.CourtCert(t, code)}})))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}}
}

// fullMatter files a matter with SAMR-HZ tried before court, with an
// enforcement case of SAMR-HZ and a mediation whose agreement court was
// asked to confirm: a proceeding of every kind.
func (e *env) fullMatter(court string) *ipcasev1.Matter {
	t := e.t
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, court)
	e.pump()
	if _, err := e.Enforcement.OpenEnforcement(e.officer, &ipcasev1.OpenEnforcementRequest{Agency: agency,
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}}); err != nil {
		t.Fatal(err)
	}
	mediator := authtest.WithToken(t.Context(), e.Auth.Mediator(t, agency))
	req, err := e.Mediation.RequestMediation(e.officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: agency})
	if err != nil {
		t.Fatal(err)
	}
	md := req.GetMediation()
	var parties []string
	for _, p := range md.GetParties() {
		parties = append(parties, p.GetParty())
		r, err := e.Mediation.RecordConsent(mediator, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: p.GetParty(), Consents: true})
		if err != nil {
			t.Fatal(err)
		}
		md = r.GetMediation()
	}
	steps := []func(etag string) (*ipcasev1.Mediation, error){
		func(etag string) (*ipcasev1.Mediation, error) {
			r, err := e.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: etag,
				Mediator: "mediator@SAMR-HZ", DisplayName: "赵敏"})
			return r.GetMediation(), err
		},
		func(etag string) (*ipcasev1.Mediation, error) {
			r, err := e.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: etag})
			return r.GetMediation(), err
		},
		func(etag string) (*ipcasev1.Mediation, error) {
			r, err := e.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: etag,
				Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", EffectiveOn: "2026-06-01"}})
			return r.GetMediation(), err
		},
		func(etag string) (*ipcasev1.Mediation, error) {
			r, err := e.Mediation.RequestConfirmation(mediator, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: etag,
				Court: court, Applicants: parties, AppliedOn: "2026-06-01"})
			return r.GetMediation(), err
		},
	}
	for i, step := range steps {
		next, err := step(md.GetEtag())
		if err != nil {
			t.Fatalf("mediation step %d: %v", i, err)
		}
		md = next
	}
	e.pump()
	got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range got.GetMatter().GetProceedings() {
		kinds = append(kinds, p.GetKind().String())
	}
	for _, k := range []filing.ProceedingKind{filing.KindEnforcement, filing.KindMediation, filing.KindTrial, filing.KindConfirmation} {
		if !slices.Contains(kinds, "PROCEEDING_KIND_"+string(k)) {
			t.Fatalf("the matter has proceedings %v, no %s", kinds, k)
		}
	}
	return got.GetMatter()
}
