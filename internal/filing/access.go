package filing

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
)

// scopeOf is what the access policy needs to know about m.
func scopeOf(m *Matter) auth.MatterScope {
	sc := auth.MatterScope{Agency: m.Agency, Complainants: []string{m.Complainant.ID}}
	for _, p := range m.Proceedings {
		sc.Forums = append(sc.Forums, p.Forum)
	}
	for _, r := range m.Respondents {
		sc.Respondents = append(sc.Respondents, r.ID)
	}
	return sc
}

// authorizeFiling decides who may file what: a rights holder files as one
// of its own parties, an officer with its own agency, an administrator
// anything.
func authorizeFiling(ctx context.Context, m *Matter) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return errs.Errorf(errs.Unauthenticated, "the call carries no credentials")
	}
	switch p.Role {
	case auth.Admin:
		return nil
	case auth.Officer:
		if m.Agency != p.Agency {
			return errs.Errorf(errs.PermissionDenied, "an officer of %s files complaints with %s, not %s", p.Agency, p.Agency, m.Agency)
		}
		return nil
	case auth.RightsHolder:
		if !m.Complainant.Ref || !p.ActsFor(m.Complainant.ID) {
			return errs.Errorf(errs.PermissionDenied, "a rights holder files as one of its own parties: set complainant.name to parties/{id} from its token")
		}
		return nil
	}
	return errs.Errorf(errs.PermissionDenied, "role %s may not file", p.Role)
}

// visibility turns the caller's list filter into the store's.
func visibility(ctx context.Context) (Visibility, error) {
	lf, err := auth.ListFilterFor(ctx)
	if err != nil {
		return Visibility{}, err
	}
	return Visibility{All: lf.All, Agency: lf.Agency, Court: lf.Court, Parties: lf.Parties}, nil
}

func method(ctx context.Context) string {
	m, _ := grpc.Method(ctx)
	return m
}

// isRightsHolder says whether the caller sees the public projection.
func isRightsHolder(ctx context.Context) (auth.Principal, bool) {
	p, ok := auth.FromContext(ctx)
	return p, ok && p.Role == auth.RightsHolder
}

// projectMatter reduces m to what a rights holder may see: other parties'
// contact details, the technical content of trade secrets, and warnings
// that point at other matters are removed.
func projectMatter(p auth.Principal, m *ipcasev1.Matter) *ipcasev1.Matter {
	hide := func(party *ipcasev1.Party) {
		if !p.ActsFor(strings.TrimPrefix(party.GetName(), "parties/")) {
			party.Contact = ""
		}
	}
	hide(m.GetComplainant())
	for _, r := range m.GetRespondents() {
		hide(r)
	}
	for _, r := range m.GetRights() {
		if r.GetType() == ipcasev1.IpType_IP_TYPE_TRADE_SECRET {
			r.Description = ""
		}
	}
	var warnings []*ipcasev1.Warning
	for _, w := range m.GetWarnings() {
		if len(w.GetRelated()) == 0 {
			warnings = append(warnings, w)
		}
	}
	m.Warnings = warnings
	return m
}

// publicPayload lists, per event type, the payload fields a rights holder
// sees; everything else (reviewers' notes, internal counts) is removed, and
// an event type not listed shows no payload at all.
var publicPayload = map[string][]string{
	"complaint.submitted": {"number", "agency"},
	"complaint.accepted":  {"route", "forum"},
	"complaint.rejected":  {"reason"},
	"complaint.withdrawn": {"reason"},
	"proceeding.opened":   {"kind", "state", "forum"},
	// The other proceedings: what was decided and by when, not how.
	"enforcement.opened":                {"openedOn", "decisionDue", "decisionDueProvisional"},
	"enforcement.decided":               {"number", "decidedOn"},
	"enforcement.transferred_to_court":  {"target", "recipient", "transferredOn"},
	"enforcement.transferred_to_police": {"target", "transferredOn"},
	"mediation.requested":               {"forum"},
	"mediation.started":                 {},
	"mediation.agreed":                  {"effectiveOn", "confirmationDue"},
	"mediation.confirmation_requested":  {"court", "appliedOn"},
	"mediation.failed":                  {},
	"mediation.withdrawn":               {},
	"deadline.approaching":              {"kind", "due"},
	"deadline.missed":                   {"kind", "due"},
	"deadline.recomputed":               {"kind", "due"},
}

// projectEvent reduces e to what rights holder p may see: officials are
// named by role and organisation only, and the payload keeps public fields.
// It returns nil for another party's own clock (an appeal period runs per
// party), which does not concern p.
func projectEvent(p auth.Principal, e *ipcasev1.Event) *ipcasev1.Event {
	if party := e.GetPayload().GetFields()["party"].GetStringValue(); party != "" && !p.ActsFor(strings.TrimPrefix(party, "parties/")) {
		return nil
	}
	if a := e.GetActor(); a != nil && a.GetRole() != string(auth.RightsHolder) {
		a.Subject = ""
	}
	keep := publicPayload[e.GetType()]
	if e.GetPayload() != nil {
		for k := range e.GetPayload().GetFields() {
			if !slices.Contains(keep, k) {
				delete(e.Payload.Fields, k)
			}
		}
	}
	return e
}

// PublicEvent is the projection of e that rights holder p sees, the one
// ListMatterEvents returns it (and webhooks deliver); nil when the event
// does not concern p. It modifies e.
func PublicEvent(p auth.Principal, e *ipcasev1.Event) *ipcasev1.Event { return projectEvent(p, e) }
