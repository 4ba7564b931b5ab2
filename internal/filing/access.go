package filing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/grpc"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
)

// scopeOf is what the access policy needs to know about m.
func (s *Store) scopeOf(m *Matter) auth.MatterScope {
	sc := auth.MatterScope{ID: string(m.ID), Agency: m.Agency, Complainants: []string{m.Complainant.ID},
		RespondentsNotified: s.notice.told(m)}
	for _, p := range m.Proceedings {
		if f, ok := p.forum(); ok {
			sc.Forums = append(sc.Forums, f)
		}
	}
	for _, r := range m.Respondents {
		sc.Respondents = append(sc.Respondents, r.ID)
	}
	return sc
}

// forumsOf is the value of matters.forums for m (migration 000020): the
// agency it was filed with and the forum of each of its proceedings, as
// agencyForum or courtForum by its kind, sorted and distinct; what
// Visibility.where tests for an agency or a court.
func forumsOf(m *Matter) string {
	fs := []string{agencyForum(m.Agency)}
	for _, p := range m.Proceedings {
		if f, ok := p.forum(); ok {
			if f.Judicial {
				fs = append(fs, courtForum(f.Code))
			} else {
				fs = append(fs, agencyForum(f.Code))
			}
		}
	}
	slices.Sort(fs)
	return pgArray(slices.Compact(fs))
}

func agencyForum(code string) string { return "A:" + code }
func courtForum(code string) string  { return "J:" + code }

// pgArray is a Postgres text[] literal of elements, each quoted.
func pgArray(elems []string) string {
	q := make([]string, len(elems))
	for i, e := range elems {
		q[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e) + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// forum is what p is before, for the access policy; ok is false for a kind
// that is neither administrative nor judicial.
func (p *Proceeding) forum() (f auth.Forum, ok bool) {
	switch {
	case p.Kind.Judicial():
		return auth.Forum{Code: p.Forum, Judicial: true}, true
	case slices.Contains(administrativeKinds, string(p.Kind)):
		return auth.Forum{Code: p.Forum}, true
	}
	return auth.Forum{}, false
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
		// A party named by reference shows its stored details; a rights
		// holder reads none it did not give, so it names others by theirs.
		// Refused before any lookup: whether such a party exists is not
		// the holder's to learn either.
		for i, r := range m.Respondents {
			if r.Ref && !p.ActsFor(r.ID) {
				return errs.Field(fmt.Sprintf("respondents[%d].name", i),
					"a rights holder names a respondent by its details (kind, display_name, and credit_code for an organisation), not by a party id")
			}
		}
		return nil
	default: // Mediator, Court: they file nothing
		return errs.Errorf(errs.PermissionDenied, "role %s may not file", p.Role)
	}
}

// visibility turns the caller's list filter into the store's.
func visibility(ctx context.Context) (Visibility, error) {
	lf, err := auth.ListFilterFor(ctx)
	if err != nil {
		return Visibility{}, err
	}
	return Visibility{All: lf.All, Agency: lf.Agency, Court: lf.Court, Parties: partyIDs(lf.Parties)}, nil
}

// matterVisibility is what the caller in ctx may see of a matter it names:
// what it may list, except that a sign-in session, which lists nothing,
// sees the matters of its parties (auth.AuthorizeMatter then keeps it to
// the one it is bound to).
func matterVisibility(ctx context.Context) (Visibility, error) {
	if p, ok := auth.FromContext(ctx); ok && p.Role == auth.RightsHolder && p.Session() {
		return Visibility{Parties: partyIDs(p.Parties)}, nil
	}
	return visibility(ctx)
}

// partyIDs are the ids that can name a party: one that is not a UUID names
// none (and is no value for a uuid column).
func partyIDs(ids []string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !request.IsUUID(id) })
}

// op names the gRPC method of ctx, for errors in the log:
// "AcceptComplaint".
func op(ctx context.Context) string {
	m, _ := grpc.Method(ctx)
	return m[strings.LastIndex(m, "/")+1:]
}

// isRightsHolder says whether the caller sees the public projection.
func isRightsHolder(ctx context.Context) (auth.Principal, bool) {
	p, ok := auth.FromContext(ctx)
	return p, ok && p.Role == auth.RightsHolder
}

// projectMatter reduces m, in place, to what a rights holder may see: other
// parties' contact details, the technical content of trade secrets, and
// warnings that point at other matters are removed.
func projectMatter(p auth.Principal, m *ipcasev1.Matter) {
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
	keep := events.PublicFields(events.Type(e.GetType()))
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
