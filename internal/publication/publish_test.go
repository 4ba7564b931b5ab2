package publication_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/publication"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// env is a store with one matter: a trademark holder against a company
// and a natural person, whose facts carry his phone and identity numbers.
type env struct {
	db      *store.DB
	fs      *filing.Store
	pub     *publication.Store
	handler events.Handler
	matter  string
	now     time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.NewDB(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fs := filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()))
	m := &filing.Matter{
		Complainant: filing.Party{Kind: filing.Organization, Name: "北京星河茶饮有限公司", CreditCode: "91110108MA01HX4T2R", Country: "CN"},
		Respondents: []filing.Party{
			{Kind: filing.Organization, Name: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12", Country: "CN"},
			{Kind: filing.Person, Name: "王小二", Country: "CN"},
		},
		Rights: []filing.Right{{Type: filing.Trademark, RegNumber: "12345678", Title: "星河"}},
		Facts:  "王小二（手机13812345678，身份证号码330106199207180047）住浙江省杭州市西湖区文三路1号，在杭州仿品贸易有限公司门店销售假冒“星河”奶茶杯。",
		Agency: "杭州市西湖区市场监督管理局",
	}
	now := time.Date(2026, 6, 2, 1, 0, 0, 0, time.UTC)
	err = db.InTx(t.Context(), func(tx store.Tx) error {
		return fs.CreateIn(tx, m, events.Actor{Subject: "officer", Role: "OFFICER"}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, fs: fs, pub: publication.NewStore(db), handler: publication.Publisher(fs, cal, func() time.Time { return now }),
		matter: string(m.ID), now: now}
}

// deliver applies an event of type typ with payload p, as the consumer
// does, at sequence seq of the matter.
func (e *env) deliver(t *testing.T, seq int64, typ events.Type, p any) {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	entry := events.Entry{Position: seq, Event: events.Event{MatterID: e.matter, Seq: seq, Type: typ, Payload: b}}
	if err := e.db.InTx(t.Context(), func(tx store.Tx) error { return e.handler(tx, entry) }); err != nil {
		t.Fatal(err)
	}
}

func (e *env) list(t *testing.T, f publication.Filter) []*publication.Document {
	t.Helper()
	docs, _, err := e.pub.List(t.Context(), f, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestPenaltyPublished: a penalty decision is published on its event with
// the natural person's name reduced and his numbers and address removed,
// with a credit record under the company's name (SAMR Order No. 45
// Art. 2 ¶3), once however often the event is delivered.
func TestPenaltyPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	decided := events.DecidedPayload{Number: "杭西市监处罚〔2026〕12号", DecidedOn: day("2026-06-01"), Fine: "150000",
		Law: "《中华人民共和国商标法》第六十条第二款", Confiscation: "侵权奶茶杯3000只"}
	e.deliver(t, 5, events.EnforcementDecided, decided)
	e.deliver(t, 5, events.EnforcementDecided, decided) // redelivered
	docs := e.list(t, publication.Filter{})
	if len(docs) != 2 {
		t.Fatalf("published %d documents, want the decision and one credit record", len(docs))
	}
	var dec, rec *publication.Document
	for _, d := range docs {
		switch d.Kind {
		case publication.PenaltyDecision:
			dec = d
		case publication.CreditRecord:
			rec = d
		case publication.CivilJudgment, publication.ConfirmationRuling:
			t.Errorf("a penalty decision published a %s", d.Kind)
		}
	}
	if dec == nil || rec == nil {
		t.Fatalf("kinds published: %v, %v", docs[0].Kind, docs[1].Kind)
	}
	wantParties := []publication.Party{
		{Name: "北京星河茶饮有限公司", Organisation: true, CreditCode: "91110108MA01HX4T2R", Role: "COMPLAINANT"},
		{Name: "杭州仿品贸易有限公司", Organisation: true, CreditCode: "91330100MA2AXQ9B12", Role: "RESPONDENT"},
		{Name: "王某", Role: "RESPONDENT"},
	}
	if diff := cmp.Diff(wantParties, dec.Parties); diff != "" {
		t.Errorf("parties mismatch (-want +got):\n%s", diff)
	}
	for _, gone := range []string{"王小二", "13812345678", "330106199207180047", "文三路"} {
		if strings.Contains(dec.Text, gone) {
			t.Errorf("published text keeps %q:\n%s", gone, dec.Text)
		}
	}
	for _, kept := range []string{"王某（手机×××，身份证号码×××）住浙江省杭州市西湖区，", "杭州仿品贸易有限公司", "罚款人民币150000元", "杭西市监处罚〔2026〕12号"} {
		if !strings.Contains(dec.Text, kept) {
			t.Errorf("published text lacks %q:\n%s", kept, dec.Text)
		}
	}
	// SAMR Order No. 45 Art. 9: 20 working days from Mon 2026-06-01, the
	// day itself not counted: June 2–5 (4), 8–12 (9), 15–18 (13; 19–21 is
	// the Dragon Boat holiday), 22–26 (18), 29 (19), 30 (20).
	if dec.PublishDue == nil || *dec.PublishDue != day("2026-06-30") {
		t.Errorf("publish due %v, want 2026-06-30", dec.PublishDue)
	}
	if !strings.Contains(dec.PublishRule, "第九条") {
		t.Errorf("publish rule %q does not cite SAMR Order No. 45 Art. 9", dec.PublishRule)
	}
	if got := rec.Organisations(); !cmp.Equal(got, []string{"杭州仿品贸易有限公司"}) {
		t.Errorf("credit record of %v, want the company only", got)
	}
	if docs := e.list(t, publication.Filter{Party: "王小二"}); len(docs) != 0 {
		t.Errorf("a search by the natural person's name found %d documents", len(docs))
	}
}

// TestWarningOnlyNotPublished: SAMR Order No. 45 Art. 2 ¶2.
func TestWarningOnlyNotPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.deliver(t, 5, events.EnforcementDecided, events.DecidedPayload{Number: "杭西市监处罚〔2026〕13号", DecidedOn: day("2026-06-01"), Fine: "0"})
	if docs := e.list(t, publication.Filter{}); len(docs) != 0 {
		t.Errorf("a warning published %d documents", len(docs))
	}
}

// TestJudgmentAndConfirmation: an effective judgment is published within
// 7 working days of taking effect (SPC provisions Art. 7); a confirmation
// ruling is withheld (Art. 4(3)), its number, court and date published with
// the reason (Art. 6).
func TestJudgmentAndConfirmation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.deliver(t, 7, events.TrialJudgmentEffective, events.JudgmentEffective{Court: "杭州市中级人民法院", CourtNumber: "(2026)浙01知民初88号",
		InfringementFound: true, Damages: "300000", DecidedOn: day("2026-05-12"), EffectiveOn: day("2026-06-01")})
	e.deliver(t, 9, events.TrialAgreementConfirmed, events.AgreementConfirmed{Court: "杭州市西湖区人民法院", CourtNumber: "(2026)浙0106民特5号",
		ConfirmedOn: day("2026-06-01")})
	j := e.list(t, publication.Filter{Kind: publication.CivilJudgment})
	if len(j) != 1 {
		t.Fatalf("%d judgments published, want 1", len(j))
	}
	// 7 working days from Mon 2026-06-01: June 2–5 (4), 8, 9, 10 (7).
	if j[0].PublishDue == nil || *j[0].PublishDue != day("2026-06-10") {
		t.Errorf("publish due %v, want 2026-06-10", j[0].PublishDue)
	}
	if !strings.Contains(j[0].Text, "王某") || strings.Contains(j[0].Text, "王小二") || !strings.Contains(j[0].Text, "300000元") {
		t.Errorf("judgment text:\n%s", j[0].Text)
	}
	c := e.list(t, publication.Filter{Kind: publication.ConfirmationRuling})
	if len(c) != 1 {
		t.Fatalf("%d confirmation notices published, want 1", len(c))
	}
	if c[0].Text != "" || len(c[0].Parties) != 0 || !strings.Contains(c[0].Withheld, "第四条第（三）项") || c[0].Number != "(2026)浙0106民特5号" {
		t.Errorf("confirmation notice: %+v", c[0])
	}
}

// TestListFiltersAndPages: the filters select, and keyset pages cover
// every document once.
func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.deliver(t, 5, events.EnforcementDecided, events.DecidedPayload{Number: "杭西市监处罚〔2026〕12号", DecidedOn: day("2026-06-01"), Fine: "1000"})
	e.deliver(t, 7, events.TrialJudgmentEffective, events.JudgmentEffective{Court: "杭州市中级人民法院", CourtNumber: "(2026)浙01知民初88号",
		DecidedOn: day("2026-05-12"), EffectiveOn: day("2026-06-01")})
	for _, tt := range []struct {
		name string
		f    publication.Filter
		want int
	}{
		{"all", publication.Filter{}, 3},
		{"number", publication.Filter{Number: "(2026)浙01知民初88号"}, 1},
		{"party", publication.Filter{Party: "北京星河茶饮有限公司"}, 2},
		{"ip type", publication.Filter{IPType: "TRADEMARK"}, 3},
		{"other ip type", publication.Filter{IPType: "PATENT_INVENTION"}, 0},
		{"issuer", publication.Filter{Issuer: "杭州市中级人民法院"}, 1},
		{"from", publication.Filter{From: &[]civil.Date{day("2026-05-13")}[0]}, 2},
		{"to", publication.Filter{To: &[]civil.Date{day("2026-05-12")}[0]}, 1},
	} {
		if got := len(e.list(t, tt.f)); got != tt.want {
			t.Errorf("%s: %d documents, want %d", tt.name, got, tt.want)
		}
	}
	seen := map[string]bool{}
	var cur *publication.Cursor
	for range 5 {
		docs, next, err := e.pub.List(t.Context(), publication.Filter{}, cur, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if seen[d.ID] {
				t.Errorf("document %s on two pages", d.ID)
			}
			seen[d.ID] = true
		}
		if next == nil {
			break
		}
		c, err := publication.ParseCursor(next.Token())
		if err != nil {
			t.Fatal(err)
		}
		cur = c
	}
	if len(seen) != 3 {
		t.Errorf("pages covered %d documents, want 3", len(seen))
	}
}
