package main

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"

	// The CLI's own clock() formats times.
	statclock "github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
)

// TestMatters lists, shows and reads the timeline of a matter, as tables
// for people and as JSON that parses back.
func TestMatters(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.login(t)
	second := s.file(t, "《江南水乡》")
	id := strings.TrimPrefix(s.matter.GetName(), "matters/")

	list := s.run(t, "", "matters", "list")
	lines := strings.Split(strings.TrimSpace(list.stdout), "\n")
	if list.code != exitOK || len(lines) != 3 || !strings.HasPrefix(lines[0], "NUMBER ") ||
		!strings.HasPrefix(lines[1], second.GetNumber()) || !strings.HasPrefix(lines[2], s.matter.GetNumber()) {
		t.Fatalf("list: exit %d\n%s%s", list.code, list.stdout, list.stderr)
	}
	if col := strings.Index(lines[0], "STATE"); col < 0 || lines[1][col:col+9] != "submitted" || lines[2][col:col+9] != "submitted" {
		t.Errorf("the STATE column is not aligned:\n%s", list.stdout)
	}
	var listed struct {
		Matters []struct{ Name, Number, State string }
	}
	if r := s.run(t, "", "matters", "list", "-o", "json", "--limit", "1"); json.Unmarshal([]byte(r.stdout), &listed) != nil ||
		len(listed.Matters) != 1 || listed.Matters[0].Number != second.GetNumber() || listed.Matters[0].State != "MATTER_STATE_SUBMITTED" {
		t.Errorf("list -o json --limit 1: %s", r.stdout)
	}
	// --view basic: the same matters without their parts.
	var basic struct {
		Matters []struct {
			Number      string
			Complainant struct{ DisplayName string }
			Rights      []any
			Evidence    []any
			Proceedings []any
			Facts       string
		}
	}
	if r := s.run(t, "", "matters", "list", "--view", "BASIC", "-o", "json"); json.Unmarshal([]byte(r.stdout), &basic) != nil ||
		len(basic.Matters) != 2 || basic.Matters[0].Number != second.GetNumber() || basic.Matters[0].Complainant.DisplayName == "" ||
		basic.Matters[0].Rights != nil || basic.Matters[0].Evidence != nil || basic.Matters[0].Proceedings != nil || basic.Matters[0].Facts != "" {
		t.Errorf("list --view BASIC -o json: want the 2 matters with their parties and without rights, evidence, proceedings or facts:\n%s%s",
			r.stdout, r.stderr)
	}
	if r := s.run(t, "", "matters", "list", "--view", "short"); r.code != exitUsage || !strings.Contains(r.stderr, `--view: "short" is not basic or full`) {
		t.Errorf("list --view short: exit %d %q; want a usage error naming --view", r.code, r.stderr)
	}

	procs := s.matter.GetProceedings()
	// No declared period is a filing review's: the test's clock is the
	// 15 working days of SAMR Administrative Penalty Procedure Rules Art. 18.
	review := deadline.Period{Name: "check a complaint", Length: 15, Unit: deadline.WorkingDays,
		Citation: "SAMR Provisions Art. 18", Counting: deadline.AdministrativeCounting}
	s.srv.OpenDeadline(t, id, statclock.Spec{ProceedingID: path.Base(procs[0].GetName()),
		Kind: "filing.review", Trigger: civil.Date{Year: 2026, Month: 11, Day: 2}, Period: review})
	show := s.run(t, "", "matters", "show", id)
	// The labels are padded to the longest, "Next deadline".
	for _, want := range []string{"Matter         " + s.matter.GetNumber(), "State          submitted, awaiting review", `Etag           "v1"`,
		"Respondents    福州云端文化传播有限公司 (91350100M000100Y43)", "Next deadline  filing.review by 2026-11-23  15 working days (SAMR Provisions Art. 18)",
		"Proceedings\n  KIND           STATE      FORUM", "  filing review  submitted  SAMR-HZ", "Rights\n  copyright"} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, show.stdout)
		}
	}
	var shown struct {
		Matter       struct{ Name, Etag string }
		NextDeadline struct{ Kind, DueDate string }
	}
	if r := s.run(t, "", "matters", "show", s.matter.GetName(), "-o", "json"); json.Unmarshal([]byte(r.stdout), &shown) != nil ||
		shown.Matter.Name != s.matter.GetName() || shown.Matter.Etag != `"v1"` || shown.NextDeadline.DueDate != "2026-11-23" {
		t.Errorf("show -o json: %s", r.stdout)
	}

	tl := s.run(t, "", "matters", "timeline", id)
	if tl.code != exitOK || !strings.Contains(tl.stdout, "#1   complaint.submitted") || !strings.Contains(tl.stdout, "by officer@SAMR-HZ (officer), SAMR-HZ") ||
		!strings.Contains(tl.stdout, "number: "+s.matter.GetNumber()) {
		t.Errorf("timeline: exit %d\n%s%s", tl.code, tl.stdout, tl.stderr)
	}
	var events struct {
		Events []struct{ Type, Sequence string }
	}
	if r := s.run(t, "", "matters", "timeline", id, "-o", "json"); json.Unmarshal([]byte(r.stdout), &events) != nil ||
		len(events.Events) != 1 || events.Events[0].Type != "complaint.submitted" || events.Events[0].Sequence != "1" {
		t.Errorf("timeline -o json: %s", r.stdout)
	}

	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"matters", "show", "not-a-matter"}, exitRefused, "MATTER (name): must be a matter name"},
		{[]string{"matters", "show", "0b7e9a43-5b1c-4d53-9a55-3a0f5c2b9e11"}, exitFailure, "ipcase: matter not found\n"},
		{[]string{"matters", "list", "--state", "pending"}, exitUsage, `--state: "pending" is not`},
		{[]string{"matters", "list", "--filed-from", "yesterday"}, exitRefused, "--filed-from (filed_from)"},
	} {
		if r := s.run(t, "", tt.args...); r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.stderr, tt.code, tt.stderr)
		}
	}
}

// TestTimelineColumnsAlign: the type column is as wide as the longest type
// shown, so "by" starts in one column even after
// enforcement.decision_deadline_extended (38 characters, wider than the 28
// the column had).
func TestTimelineColumnsAlign(t *testing.T) {
	t.Parallel()
	at := timestamppb.New(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	evs := []*ipcasev1.Event{
		{Sequence: 1, Type: "complaint.submitted", OccurTime: at, Actor: &ipcasev1.Actor{Role: "officer", Subject: "wang"}},
		{Sequence: 2, Type: "enforcement.decision_deadline_extended", OccurTime: at, Actor: &ipcasev1.Actor{Role: "officer", Subject: "wang"}},
	}
	var b bytes.Buffer
	if err := printTimeline(&b, evs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], " by ") || strings.Index(lines[0], " by ") != strings.Index(lines[1], " by ") {
		t.Errorf("columns do not align:\n%s", b.String())
	}
}
