package similar

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
)

// Finder answers the damages server's similar-case questions from a Store.
type Finder struct {
	s   *Store
	now func() time.Time
}

// NewFinder returns a finder over s, which dates its reports by the
// system clock.
func NewFinder(s *Store) *Finder { return &Finder{s: s, now: time.Now} }

// WithClock makes f date its reports (检索时间) by now.
func (f *Finder) WithClock(now func() time.Time) *Finder { f.now = now; return f }

var _ damages.Finder = (*Finder)(nil)

// query reads the request's similar-case query into q; a bad field is an
// errs.InvalidArgument naming it under "similar.".
func query(p *ipcasev1.SimilarCasesQuery, q *Query) error {
	q.Facts, q.Region, q.Decider = p.GetFacts(), p.GetRegion(), p.GetDecider()
	if utf8.RuneCountInString(q.Facts) > 4000 {
		return errs.Field("similar.facts", "is longer than 4000 characters")
	}
	q.Limit = int(cmp.Or(p.GetLimit(), 10))
	if q.Limit < 1 || q.Limit > 50 {
		return errs.Field("similar.limit", "is %d: between 1 and 50, or 0 for 10", p.GetLimit())
	}
	q.Factor = 3
	if s := p.GetBaseFactor(); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f > 100 {
			return errs.Field("similar.base_factor", "is %q: a number from 1 to 100", s)
		}
		q.Factor = f
	}
	if q.Factor == 1 {
		q.Factor = 1.0001 // the scale weight divides by ln(factor)
	}
	return nil
}

func lawOf(s string) string { l, _, _ := strings.Cut(s, ","); return l }

// SimilarFines finds the decided fines comparable to req's, whose range is res.
func (f *Finder) SimilarFines(ctx context.Context, req *ipcasev1.CalculateFineRequest, res damages.FineResult) (*ipcasev1.SimilarCases, error) {
	q := Query{Kind: Fine, Law: lawOf(res.Law), Repeat: req.GetRepeatWithinFiveYears() || req.GetEarlierInfringements() > 0,
		Serious: req.GetSerious()}
	if err := query(req.GetSimilar(), &q); err != nil {
		return nil, err
	}
	o, err := damages.OffenceFromProto(req.GetOffence())
	if err != nil {
		return nil, errs.Field("offence", "%s", err.Error())
	}
	q.IPType = o.String()
	q.Base = fen(cmp.Or(req.GetBusinessVolumeYuan(), req.GetIllegalGainsYuan(), req.GetGoodsValueYuan()))
	return f.find(ctx, q, req.GetSimilar())
}

// SimilarDamages finds the decided awards comparable to req's, computed as res.
func (f *Finder) SimilarDamages(ctx context.Context, req *ipcasev1.CalculateDamagesRequest, res damages.Result) (*ipcasev1.SimilarCases, error) {
	q := Query{Kind: Damages, Law: lawOf(res.Law), Base: res.Base, Intentional: req.GetIntentional(), Serious: req.GetSerious()}
	if err := query(req.GetSimilar(), &q); err != nil {
		return nil, err
	}
	ip, err := damages.IPTypeFromProto(req.GetIpType())
	if err != nil {
		return nil, errs.Field("ip_type", "%s", err.Error())
	}
	q.IPType = ip.String()
	return f.find(ctx, q, req.GetSimilar())
}

// find searches for q and reports the matches as p asks; p's report
// fields are checked before the search.
func (f *Finder) find(ctx context.Context, q Query, p *ipcasev1.SimilarCasesQuery) (*ipcasev1.SimilarCases, error) {
	r, err := retrieval(ctx, p, f.now())
	if err != nil {
		return nil, err
	}
	ms, n, err := f.s.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	return Report(q, r, ms, n)
}
