package trial_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/trial"
)

// BenchmarkNotFound times what another agency's officer is told for a
// matter (or proceeding) of someone else and for one that does not exist,
// on reads and a write, alternating the two in each iteration. It reports
// the median of each (theirs-ns, absent-ns) and their ratio: near 1 when
// the two take the same path, as they must, so that the time of an answer
// does not tell whether the matter exists. A figure to read, not an
// assertion:
//
//	go test -run '^$' -bench NotFound -benchtime 2000x ./internal/trial/
func BenchmarkNotFound(b *testing.B) {
	e := chaintest.Start(b, time.Now)
	addr := servertest.Serve(b, func(s *server.Server) {
		ipcasev1.RegisterTrialServiceServer(s, trial.NewServer(trial.NewStore(e.FilingStore), e.Clocks, time.Now))
	}, nil, e.Auth.ServerOptions()...)
	trials := ipcasev1.NewTrialServiceClient(servertest.Dial(b, addr))
	officer := authtest.WithToken(b.Context(), e.Auth.Officer(b, agency))
	file := func(route ipcasev1.ProceedingKind, forum string) *ipcasev1.Matter {
		sub, err := e.Filing.SubmitComplaint(officer, &ipcasev1.SubmitComplaintRequest{
			Complainant: complainant, Respondents: []*ipcasev1.Party{respondent},
			Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
			Facts:  "Counterfeit cups sold at three shops.", Agency: agency,
		})
		if err != nil {
			b.Fatal(err)
		}
		if route == ipcasev1.ProceedingKind_PROCEEDING_KIND_UNSPECIFIED {
			return sub.GetMatter()
		}
		acc, err := e.Filing.AcceptComplaint(officer, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(),
			Etag: sub.GetMatter().GetEtag(), Route: route, Forum: forum})
		if err != nil {
			b.Fatal(err)
		}
		return acc.GetMatter()
	}
	submitted := file(ipcasev1.ProceedingKind_PROCEEDING_KIND_UNSPECIFIED, "")
	tried := file(ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	enforced := file(ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency)
	opened, err := e.Enforcement.OpenEnforcement(officer, &ipcasev1.OpenEnforcementRequest{Agency: agency,
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: enforced.GetName()}})
	if err != nil {
		b.Fatal(err)
	}
	absentProceeding := func() string { return "matters/" + uuid.NewString() + "/proceedings/" + uuid.NewString() }
	other := authtest.WithToken(b.Context(), e.Auth.Officer(b, "SAMR-SZ"))

	for _, bm := range []struct {
		name   string
		theirs string
		absent func() string
		call   func(name string) error
	}{
		{"GetMatter", submitted.GetName(), func() string { return "matters/" + uuid.NewString() }, func(name string) error {
			_, err := e.Filing.GetMatter(other, &ipcasev1.GetMatterRequest{Name: name})
			return err
		}},
		{"AcceptComplaint", submitted.GetName(), func() string { return "matters/" + uuid.NewString() }, func(name string) error {
			_, err := e.Filing.AcceptComplaint(other, &ipcasev1.AcceptComplaintRequest{Name: name, Etag: `"v1"`,
				Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-SZ"})
			return err
		}},
		{"GetEnforcement", opened.GetCase().GetName(), absentProceeding, func(name string) error {
			_, err := e.Enforcement.GetEnforcement(other, &ipcasev1.GetEnforcementRequest{Name: name})
			return err
		}},
		{"DismissEnforcement", opened.GetCase().GetName(), absentProceeding, func(name string) error {
			_, err := e.Enforcement.DismissEnforcement(other, &ipcasev1.DismissEnforcementRequest{Name: name, Etag: "e", Reason: "no"})
			return err
		}},
		{"GetTrial", tried.GetName() + "/proceedings/" + proceedingOf(b, tried, filing.KindTrial), absentProceeding, func(name string) error {
			_, err := trials.GetTrial(other, &ipcasev1.GetTrialRequest{Name: name})
			return err
		}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			var theirs, absent []time.Duration
			timed := func(name string, into *[]time.Duration) {
				start := time.Now()
				err := bm.call(name)
				*into = append(*into, time.Since(start))
				if code(err) != codes.NotFound {
					b.Fatalf("%s(%s) by another agency's officer: %v; want NOT_FOUND", bm.name, name, err)
				}
			}
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 { // alternate which goes first
					timed(bm.theirs, &theirs)
					timed(bm.absent(), &absent)
				} else {
					timed(bm.absent(), &absent)
					timed(bm.theirs, &theirs)
				}
			}
			mt, ma := median(theirs), median(absent)
			b.ReportMetric(float64(mt.Nanoseconds()), "theirs-ns")
			b.ReportMetric(float64(ma.Nanoseconds()), "absent-ns")
			b.ReportMetric(float64(mt)/float64(ma), "theirs/absent")
		})
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
