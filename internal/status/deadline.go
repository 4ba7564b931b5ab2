package status

import (
	"context"
	"strings"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/clock"
)

// nextDeadline is the open deadline of m that falls due first among those
// that concern the caller, or nil. A rights holder sees its own parties'
// clocks and the proceedings' own clocks, never another party's (an
// infringer's appeal period is none of the complainant's business); an
// official sees every open clock.
func (s *Server) nextDeadline(ctx context.Context, m *ipcasev1.Matter) (*ipcasev1.MatterDeadline, error) {
	matterID := strings.TrimPrefix(m.GetName(), "matters/")
	p, _ := auth.FromContext(ctx)
	parties := []string{""}
	if p.Role == auth.RightsHolder {
		parties = nil
		for _, party := range append([]*ipcasev1.Party{m.GetComplainant()}, m.GetRespondents()...) {
			if id := strings.TrimPrefix(party.GetName(), "parties/"); p.ActsFor(id) {
				parties = append(parties, id)
			}
		}
	}
	var (
		next  clock.Deadline
		found bool
	)
	for _, party := range parties {
		d, ok, err := s.d.Clocks.NextFor(ctx, matterID, party)
		if err != nil {
			return nil, err
		}
		if ok && (!found || d.Due.Before(next.Due)) {
			next, found = d, true
		}
	}
	if !found {
		return nil, nil
	}
	out := &ipcasev1.MatterDeadline{
		Proceeding: m.GetName() + "/proceedings/" + next.ProceedingID,
		Kind:       next.Kind,
		DueDate:    next.Due.String(),
		Rule:       next.Rule.String(),
	}
	if next.PartyID != "" {
		out.Party = "parties/" + next.PartyID
	}
	return out, nil
}
