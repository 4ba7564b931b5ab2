package deadline_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/deadline"
)

// citedArticle is one part of a citation: a statute (CPL, or a name ending
// in Law, Code, Rules, Measures, a name with Provisions, or Regulations on
// a subject) and the article(s) in it.
var citedArticle = regexp.MustCompile(`^(CPL|[A-Z][A-Za-z' ]* (Law|Code|Rules|Measures)|[A-Z][A-Za-z' ]*Provisions[A-Za-z' ]*|Regulations on [A-Z][A-Za-z' ]*) Arts?\. \d+`)

// TestPeriods checks every declared period: it says what it is for, has a
// length and unit the calculator accepts, a counting convention it knows,
// and cites the statute and article that set it (not a file of ours), in
// every part of its citation.
func TestPeriods(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	periods := deadline.Periods()
	seen := map[deadline.Period]bool{}
	for _, p := range periods {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			if strings.TrimSpace(p.Name) == "" {
				t.Errorf("%v has no name", p)
			}
			if p.Length <= 0 {
				t.Errorf("length %d, want a positive number", p.Length)
			}
			if u, err := deadline.ParseUnit(p.Unit.String()); err != nil || u != p.Unit {
				t.Errorf("unit %v is not a known unit (%v)", p.Unit, err)
			}
			if c, err := deadline.ParseCounting(p.Counting.String()); err != nil || c != p.Counting {
				t.Errorf("counting %v is not a known convention (%v)", p.Counting, err)
			}
			if strings.Contains(p.Citation, ".md") {
				t.Errorf("citation %q names a file, not a statute", p.Citation)
			}
			for part := range strings.SplitSeq(p.Citation, "; ") {
				if !citedArticle.MatchString(part) {
					t.Errorf("citation %q: %q does not name a statute and an article", p.Citation, part)
				}
			}
			// The calculator accepts the period as a rule; the calendar
			// (2023–2026) covers even the longest, 3 years, from 2023-01-10.
			c, err := p.Due(cal, date(t, "2023-01-10"))
			if err != nil {
				t.Fatalf("Due: %v", err)
			}
			if c.Rule != p.Rule() || !strings.Contains(c.Steps[0], "legal basis: "+p.Citation) {
				t.Errorf("computation does not carry the period: rule %+v, first step %q", c.Rule, c.Steps[0])
			}
		})
		if seen[p] {
			t.Errorf("%q is listed twice", p.Name)
		}
		seen[p] = true
	}
	if n := declaredPeriods(t); n != len(periods) {
		t.Errorf("the package declares %d periods; Periods lists %d", n, len(periods))
	}
}

// declaredPeriods counts the package-level variables of the package's
// source declared as Period literals, so that a period added without being
// listed in Periods fails TestPeriods.
func declaredPeriods(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				for _, v := range s.(*ast.ValueSpec).Values {
					if lit, ok := v.(*ast.CompositeLit); ok {
						if id, ok := lit.Type.(*ast.Ident); ok && id.Name == "Period" {
							n++
						}
					}
				}
			}
		}
	}
	return n
}

// TestPeriodDue checks declared periods on dates worked out by hand (the
// same counts as in TestCompute; the trigger day is not counted).
func TestPeriodDue(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name    string
		period  deadline.Period
		trigger string
		want    outcome
	}{
		// Filed Fri 2024-07-05: day 90 is Thu 2024-10-03, in the National
		// Day holiday Oct 1–7 → Tue 2024-10-08.
		{"decision period", deadline.DecisionPeriod, "2024-07-05", outcome{RawEnd: "2024-10-03", Due: "2024-10-08", Adjusted: true}},
		// Notice served Fri 2024-09-27: Sep 29 (Sun, make-up) 1, Sep 30 2,
		// Oct 8 3, Oct 9 4, Oct 10 (Thu) 5.
		{"statement window", deadline.StatementWindow, "2024-09-27", outcome{RawEnd: "2024-10-10", Due: "2024-10-10"}},
		// From Thu 2024-09-19: Sep 20 1, Sep 23–27 2–6, Sep 29 (Sun,
		// make-up) 7.
		{"hearing notice", deadline.HearingNotice, "2024-09-19", outcome{RawEnd: "2024-09-29", Due: "2024-09-29", MakeUp: true}},
		// Agreement effective Wed 2024-03-06: day 30 is Fri 2024-04-05
		// (Qingming, Apr 4–6) → the make-up Sunday 2024-04-07.
		{"confirmation window", deadline.ConfirmationWindow, "2024-03-06", outcome{RawEnd: "2024-04-05", Due: "2024-04-07", Adjusted: true, MakeUp: true}},
		// Served Fri 2024-01-26: day 15 is Sat 2024-02-10 (Spring Festival
		// Feb 10–17) → the make-up Sunday 2024-02-18.
		{"judgment appeal", deadline.JudgmentAppeal, "2024-01-26", outcome{RawEnd: "2024-02-10", Due: "2024-02-18", Adjusted: true, MakeUp: true}},
		// Served Mon 2025-01-20: day 10 is Thu 2025-01-30 (Spring Festival
		// Jan 28 – Feb 4) → Wed 2025-02-05.
		{"ruling appeal", deadline.RulingAppeal, "2025-01-20", outcome{RawEnd: "2025-01-30", Due: "2025-02-05", Adjusted: true}},
		// Docketed 2024-08-31: February 2025 has no 31st → Fri 2025-02-28.
		{"ordinary time limit", deadline.OrdinaryTimeLimit, "2024-08-31", outcome{RawEnd: "2025-02-28", Due: "2025-02-28"}},
		// Docketed 2025-11-16: Mon 2026-02-16, in the Spring Festival
		// holiday Feb 15–23 → Tue 2026-02-24.
		{"summary time limit", deadline.SummaryTimeLimit, "2025-11-16", outcome{RawEnd: "2026-02-16", Due: "2026-02-24", Adjusted: true}},
		// Criminal judgment received Thu 2024-09-26: 10 days (Criminal
		// Procedure Law Art. 230, from the day after receipt): day 10 is Sun
		// 2024-10-06, in the National Day holiday Oct 1–7 → Tue 2024-10-08
		// (Art. 105 ¶3).
		{"criminal judgment appeal", deadline.CriminalJudgmentAppeal, "2024-09-26", outcome{RawEnd: "2024-10-06", Due: "2024-10-08", Adjusted: true}},
		// Criminal ruling received Fri 2025-01-24: 5 days (Art. 230): day 5
		// is Wed 2025-01-29, in the Spring Festival Jan 28 – Feb 4 → Wed
		// 2025-02-05.
		{"criminal ruling appeal", deadline.CriminalRulingAppeal, "2025-01-24", outcome{RawEnd: "2025-01-29", Due: "2025-02-05", Adjusted: true}},
		// Administrative judgment served Mon 2026-04-20: 15 days
		// (Administrative Litigation Law Art. 85): day 15 is Tue 05-05, in
		// the Labour Day holiday May 1–5 → Wed 2026-05-06.
		{"administrative judgment appeal", deadline.AdministrativeJudgmentAppeal, "2026-04-20", outcome{RawEnd: "2026-05-05", Due: "2026-05-06", Adjusted: true}},
		// Administrative ruling served Mon 2026-09-21: 10 days (Art. 85):
		// day 10 is Thu 10-01, in the National Day holiday Oct 1–7 → Thu
		// 2026-10-08.
		{"administrative ruling appeal", deadline.AdministrativeRulingAppeal, "2026-09-21", outcome{RawEnd: "2026-10-01", Due: "2026-10-08", Adjusted: true}},
		// An appeal against a ruling docketed Mon 2026-09-07: 30 days (CPL
		// Art. 183 ¶2): Sep 8–30 are days 1–23, Oct 7 is day 30, in the
		// National Day holiday → Thu 2026-10-08.
		{"ruling appeal time limit", deadline.RulingAppealTimeLimit, "2026-09-07", outcome{RawEnd: "2026-10-07", Due: "2026-10-08", Adjusted: true}},
		// Known on Wed 2023-03-15: 36 months later is Sun 2026-03-15, an
		// ordinary weekend day → Mon 2026-03-16.
		{"limitation", deadline.Limitation, "2023-03-15", outcome{RawEnd: "2026-03-15", Due: "2026-03-16", Adjusted: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.period.Due(cal, date(t, tt.trigger))
			if err != nil {
				t.Fatalf("Due: %v", err)
			}
			o := outcome{RawEnd: got.RawEnd.String(), Due: got.Due.String(), Adjusted: got.Adjusted, MakeUp: got.EndsOnMakeUpWorkingDay}
			if diff := cmp.Diff(tt.want, o); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s\nsteps:\n%s", diff, strings.Join(got.Steps, "\n"))
			}
		})
	}
}

// TestCountingInSteps checks that a period's counting convention shows in
// its derivation: the arithmetic is the same, but a market-regulation
// penalty period cites the SAMR rules' own counting article (SAMR
// Administrative Penalty Procedure Rules Art. 80: the first day is not
// counted; a last day on a statutory holiday moves to the day after it),
// an administrative one without such an article applies the civil rules by
// analogy, and a civil one cites CPL Art. 85 directly.
func TestCountingInSteps(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	// Filed Fri 2024-07-05: day 90 is Thu 2024-10-03, a public holiday, so
	// both the start and the move off a rest day are cited.
	trigger := date(t, "2024-07-05")
	civilRule := deadline.DecisionPeriod.Rule()
	civilRule.Counting = deadline.CivilCounting
	criminalRule := deadline.DecisionPeriod.Rule()
	criminalRule.Counting = deadline.CriminalCounting
	adminRule := deadline.DecisionPeriod.Rule()
	adminRule.Counting = deadline.AdministrativeCounting
	for _, tt := range []struct {
		name   string
		rule   deadline.Rule
		want   []string
		absent []string
	}{{
		name: "market regulation: the decision period",
		rule: deadline.DecisionPeriod.Rule(),
		want: []string{
			"not counted; counting starts on 2024-07-06 (SAMR Administrative Penalty Procedure Rules Art. 80)",
			"the first working day after it (SAMR Administrative Penalty Procedure Rules Art. 80; weekends are rest days",
		},
		absent: []string{"CPL", "Civil Code", "by analogy"},
	}, {
		name: "administrative: the same length under a law that does not say how to count",
		rule: adminRule,
		want: []string{
			"not counted; counting starts on 2024-07-06 (the Administrative Penalty Law does not say; CPL Art. 85 and Civil Code Art. 201 applied by analogy)",
			"the first working day after it (the Administrative Penalty Law does not say; CPL Art. 85 and Civil Code Art. 203 applied by analogy)",
		},
		absent: []string{"SPC CPL Interpretation Art. 125"},
	}, {
		name: "civil: the same length counted as civil procedure counts",
		rule: civilRule,
		want: []string{
			"not counted; counting starts on 2024-07-06 (CPL Art. 85; Civil Code Art. 201; SPC CPL Interpretation Art. 125)",
			"the first working day after it (CPL Art. 85; Civil Code Art. 203; weekends are rest days",
		},
		absent: []string{"by analogy", "Administrative Penalty Law does not say"},
	}, {
		name: "criminal: the same length counted as criminal procedure counts",
		rule: criminalRule,
		want: []string{
			"not counted; counting starts on 2024-07-06 (Criminal Procedure Law Art. 105 ¶1",
			"the first working day after it (Criminal Procedure Law Art. 105 ¶3",
			"a document posted by then is in time (Criminal Procedure Law Art. 105",
		},
		absent: []string{"by analogy", "SPC CPL Interpretation Art. 125"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := deadline.Compute(cal, trigger, tt.rule)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got.Due.String() != "2024-10-08" {
				t.Errorf("due %s, want 2024-10-08 whatever the convention", got.Due)
			}
			all := strings.Join(got.Steps, "\n")
			for _, s := range tt.want {
				if !strings.Contains(all, s) {
					t.Errorf("steps do not contain %q:\n%s", s, all)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(all, s) {
					t.Errorf("steps contain %q:\n%s", s, all)
				}
			}
		})
	}
	for _, p := range deadline.Periods() {
		c, err := p.Due(cal, date(t, "2023-01-10"))
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		analogy := strings.Contains(strings.Join(c.Steps, "\n"), "by analogy")
		// Customs periods apply the civil method by analogy for the days
		// from detention, of which the Regulations say nothing.
		if want := p.Counting == deadline.AdministrativeCounting || p.Counting == deadline.CustomsCounting; analogy != want {
			t.Errorf("%s (%s counting): steps say \"by analogy\": %t, want %t", p.Name, p.Counting, analogy, want)
		}
	}
}

// TestCustomsPeriods counts the customs periods on the 2026 calendar
// (国办发明电〔2025〕7号: 1–5 May are holidays, Saturday 9 May a working
// day; 19–21 June holidays), by hand from the articles:
//
//   - CustomsReply, 3 working days from the service of customs' notice
//     (Regulations on Customs Protection of IPR Art. 16; counted from the
//     day after, GAC Implementing Measures Art. 41): served Wed 29 April →
//     Thu 30 April (1), 1–5 May holidays, Wed 6 May (2), Thu 7 May (3).
//   - CustomsCourtNotice, 20 working days from a detention on Thu 23 April
//     (Art. 24(1)): 24 Apr (1), 27–30 Apr (2–5), 6–8 May (6–8), Sat 9 May
//     (9), 11–15 May (10–14), 18–22 May (15–19), Mon 25 May (20).
//   - CustomsInvestigation, 30 working days from a detention on Wed 6 May
//     (Art. 20): 7–8 May (1–2), Sat 9 May (3), 11–15 May (4–8), 18–22 May
//     (9–13), 25–29 May (14–18), 1–5 June (19–23), 8–12 June (24–28),
//     15–16 June (29–30): Tue 16 June.
//   - CustomsExOfficioCourtNotice, 50 working days from the same detention
//     (Art. 24(2)): 17–18 June (31–32), 19 June holiday, 22–26 June
//     (33–37), 29 June–3 July (38–42), 6–10 July (43–47), 13–15 July
//     (48–50): Wed 15 July.
func TestCustomsPeriods(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		period  deadline.Period
		trigger string
		want    string
	}{
		{deadline.CustomsReply, "2026-04-29", "2026-05-07"},
		{deadline.CustomsCourtNotice, "2026-04-23", "2026-05-25"},
		{deadline.CustomsInvestigation, "2026-05-06", "2026-06-16"},
		{deadline.CustomsExOfficioCourtNotice, "2026-05-06", "2026-07-15"},
	} {
		c, err := tt.period.Due(cal, date(t, tt.trigger))
		if err != nil {
			t.Fatalf("%s: %v", tt.period.Name, err)
		}
		if c.Due.String() != tt.want || c.Provisional {
			t.Errorf("%s from %s: due %s (provisional %t), want %s", tt.period.Name, tt.trigger, c.Due, c.Provisional, tt.want)
		}
		if all := strings.Join(c.Steps, "\n"); !strings.Contains(all, "GAC Implementing Measures for the Regulations on Customs Protection of IPR Art. 41") {
			t.Errorf("%s: steps do not cite the Measures' counting article:\n%s", tt.period.Name, all)
		}
	}
}
