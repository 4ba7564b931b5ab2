package status

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
)

// Deps are what a Server needs. Links, Minter and Sender may all be nil,
// which turns sign-in links off.
type Deps struct {
	// Filing reads matters, with its access policy, projection and audit.
	Filing *filing.Server
	// Clocks tells what is due next.
	Clocks *clock.Store
	Links  *Links
	Minter *Minter
	// Sender delivers links to the parties they are for.
	Sender Sender
	// PageURL is the status page's public address; see Config.PageURL.
	PageURL string
	Now     func() time.Time
}

// Server implements ipcasev1.StatusServiceServer.
type Server struct {
	ipcasev1.UnimplementedStatusServiceServer
	d Deps
}

var _ ipcasev1.StatusServiceServer = (*Server)(nil)

// NewServer returns a Server over d.
func NewServer(d Deps) *Server {
	if d.Filing == nil || d.Clocks == nil || d.Now == nil || (d.Links == nil) != (d.Minter == nil) || (d.Links == nil) != (d.Sender == nil) {
		panic("status.NewServer: nil dependency")
	}
	return &Server{d: d}
}

// Link lifetimes: long enough to reach someone by post or e-mail, short
// enough that a forgotten link dies.
const (
	defaultLinkTTL = 72 * time.Hour
	minLinkTTL     = 5 * time.Minute
	maxLinkTTL     = 7 * 24 * time.Hour
	maxCodeLen     = 128
)

// GetMatterStatus returns where a matter stands.
func (s *Server) GetMatterStatus(ctx context.Context, req *ipcasev1.GetMatterStatusRequest) (*ipcasev1.GetMatterStatusResponse, error) {
	m, err := s.d.Filing.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: req.GetName()})
	if err != nil {
		return nil, err
	}
	next, err := s.nextDeadline(ctx, m.GetMatter())
	if err != nil {
		return nil, fmt.Errorf("GetMatterStatus(%s): %w", req.GetName(), err)
	}
	return &ipcasev1.GetMatterStatusResponse{Status: &ipcasev1.MatterStatus{Matter: m.GetMatter(), NextDeadline: next}}, nil
}

// GetCaller returns the caller as the server sees it.
func (s *Server) GetCaller(ctx context.Context, _ *ipcasev1.GetCallerRequest) (*ipcasev1.GetCallerResponse, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errs.Errorf(errs.Unauthenticated, "the call carries no credentials")
	}
	resp := &ipcasev1.GetCallerResponse{Subject: p.Subject, Role: string(p.Role), Organization: p.Org()}
	for _, id := range p.Parties {
		resp.Parties = append(resp.Parties, "parties/"+id)
	}
	if p.Session() {
		resp.Matter = "matters/" + p.Matter
	}
	return resp, nil
}

// IssueSignInLink sends a one-time sign-in link to a matter's complainant,
// at the contact the matter records, and tells the caller where it went,
// never the code: whoever asks for a link is not whoever it is for.
func (s *Server) IssueSignInLink(ctx context.Context, req *ipcasev1.IssueSignInLinkRequest) (*ipcasev1.IssueSignInLinkResponse, error) {
	ttl := defaultLinkTTL
	if t := req.GetTtlSeconds(); t != 0 {
		ttl = time.Duration(t) * time.Second
		if ttl < minLinkTTL || ttl > maxLinkTTL {
			return nil, errs.Field("ttl_seconds", "must be between %d and %d seconds, or 0 for %d",
				int64(minLinkTTL.Seconds()), int64(maxLinkTTL.Seconds()), int64(defaultLinkTTL.Seconds()))
		}
	}
	if s.d.Links == nil {
		return nil, errs.Errorf(errs.FailedPrecondition, "sign-in links are not configured on this server (IPCASE_SIGNIN_KEY_FILE)")
	}
	got, err := s.d.Filing.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: req.GetName()})
	if err != nil {
		return nil, err
	}
	m := got.GetMatter()
	complainant := m.GetComplainant()
	to := strings.TrimSpace(complainant.GetContact())
	if to == "" {
		return nil, errs.Errorf(errs.FailedPrecondition, "the complainant of %s has no contact to send a sign-in link to", m.GetNumber())
	}
	party := strings.TrimPrefix(complainant.GetName(), "parties/")
	p, _ := auth.FromContext(ctx)
	at := s.d.Now().UTC().Truncate(time.Microsecond)
	msg := Message{To: to, Party: complainant.GetName(), PartyName: complainant.GetDisplayName(),
		Matter: m.GetName(), MatterNumber: m.GetNumber(), ExpireTime: at.Add(ttl)}
	_, err = s.d.Links.Issue(ctx, strings.TrimPrefix(m.GetName(), "matters/"), party, p.Subject, at, at.Add(ttl), func(l Link, code string) error {
		msg.Code, msg.LinkID = code, l.ID
		if s.d.PageURL != "" {
			msg.URL = strings.TrimSuffix(s.d.PageURL, "/") + "/signin/link?code=" + url.QueryEscape(code)
		}
		if err := s.d.Sender.Send(ctx, msg); err != nil {
			return fmt.Errorf("IssueSignInLink: sending link %s: %w", l.ID,
				errs.Wrap(errs.Unavailable, err, "the sign-in link could not be sent; try again later"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ipcasev1.IssueSignInLinkResponse{ExpireTime: timestamppb.New(at.Add(ttl)), Party: complainant.GetName(), SentTo: Mask(to)}, nil
}

// RedeemSignInLink exchanges a code for a sign-in session: a token bound to
// the link's matter, read-only.
func (s *Server) RedeemSignInLink(ctx context.Context, req *ipcasev1.RedeemSignInLinkRequest) (*ipcasev1.RedeemSignInLinkResponse, error) {
	code := req.GetCode()
	if code == "" || len(code) > maxCodeLen {
		return nil, errs.Field("code", "must be the code of a sign-in link")
	}
	if s.d.Links == nil {
		return nil, errs.Errorf(errs.FailedPrecondition, "sign-in links are not configured on this server")
	}
	at := s.d.Now().UTC().Truncate(time.Microsecond)
	l, err := s.d.Links.Redeem(ctx, code, at)
	if err != nil {
		return nil, err
	}
	tok, exp, err := s.d.Minter.Mint("signin-link/"+l.ID, l.PartyID, l.MatterID, at)
	if err != nil {
		return nil, fmt.Errorf("RedeemSignInLink: minting token: %w", err)
	}
	return &ipcasev1.RedeemSignInLinkResponse{Token: tok, ExpireTime: timestamppb.New(exp), Matter: "matters/" + l.MatterID}, nil
}
