package publication

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Kind is what a published document is.
type Kind string

// Kinds of published documents.
const (
	PenaltyDecision    Kind = "PENALTY_DECISION"
	CivilJudgment      Kind = "CIVIL_JUDGMENT"
	ConfirmationRuling Kind = "CONFIRMATION_RULING"
	CreditRecord       Kind = "CREDIT_RECORD"
)

// The periods for publishing, counted from the decision or from its taking
// effect; ipcase publishes on the event, within them.
var (
	// penaltyPeriod: SAMR Order No. 45 Art. 9, 20 working days from the
	// decision where agency and party are in one province (Art. 10: 10 + 10
	// working days through the party's province otherwise).
	penaltyPeriod = deadline.Rule{Period: 20, Unit: deadline.WorkingDays, Counting: deadline.MarketRegulationCounting,
		Basis: SAMR + "第九条"}
	// judgmentPeriod: SPC provisions Art. 7, 7 working days from the day
	// the judgment takes effect.
	judgmentPeriod = deadline.Rule{Period: 7, Unit: deadline.WorkingDays, Basis: SPC + "第七条"}
)

// Party is a party as published.
type Party struct {
	Name         string `json:"name"`
	Organisation bool   `json:"organisation"`
	CreditCode   string `json:"creditCode,omitempty"`
	Role         string `json:"role"`
}

// Count is a rule applied to a document.
type Count struct {
	Rule    string `json:"rule"`
	Article string `json:"article"`
	Count   int    `json:"count"`
}

// Document is a published document.
type Document struct {
	ID          string
	MatterID    string
	EventSeq    int64
	EventType   events.Type
	Kind        Kind
	Subject     string
	Number      string
	Issuer      string
	DecidedOn   civil.Date
	EffectiveOn *civil.Date
	Parties     []Party
	IPTypes     []string
	Text        string
	Redactions  []Count
	// Withheld is the article and reason a court's document is withheld
	// (SPC provisions Arts. 4, 6); its text and parties are not published.
	Withheld    string
	PublishDue  *civil.Date
	PublishRule string
	PublishTime time.Time
}

// Organisations are the names of the document's legal persons.
func (d *Document) Organisations() []string {
	var out []string
	for _, p := range d.Parties {
		if p.Organisation {
			out = append(out, p.Name)
		}
	}
	return out
}

// source is what publication knows of a matter's parties and rights.
func source(m *filing.Matter) (Source, []Party, []string) {
	var src Source
	var parties []Party
	add := func(p filing.Party, role string) {
		org := p.Kind == filing.Organization
		src.Persons = append(src.Persons, Person{Name: p.Name, Organisation: org, CreditCode: p.CreditCode})
		pp := Party{Name: p.Name, Organisation: org, Role: role}
		if org {
			pp.CreditCode = p.CreditCode
		}
		parties = append(parties, pp)
	}
	add(m.Complainant, "COMPLAINANT")
	for _, r := range m.Respondents {
		add(r, "RESPONDENT")
	}
	var types []string
	for _, r := range m.Rights {
		if !slices.Contains(types, string(r.Type)) {
			types = append(types, string(r.Type))
		}
		if r.Type == filing.TradeSecret {
			src.TradeSecret = true
		}
	}
	return src, parties, types
}

// finish redacts d's text and parties from src.
func finish(d *Document, src Source, parties []Party) {
	r := Redact(src)
	d.Text = r.Text
	for _, p := range parties {
		p.Name = r.Names[p.Name]
		d.Parties = append(d.Parties, p)
	}
	for _, rule := range Rules {
		if n := r.Counts[rule.ID]; n > 0 {
			d.Redactions = append(d.Redactions, Count{Rule: rule.ID, Article: rule.Article, Count: n})
		}
	}
}

func names(ps []filing.Party) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
		if p.CreditCode != "" {
			out[i] += "（统一社会信用代码" + p.CreditCode + "）"
		}
	}
	return strings.Join(out, "、")
}

// penalty builds the penalty decision of m and the credit record of each
// organisation it penalises. A decision that is only a warning publishes
// nothing (SAMR Order No. 45 Art. 2 ¶2).
func penalty(m *filing.Matter, d events.DecidedPayload) []*Document {
	if (d.Fine == "" || d.Fine == "0") && d.Confiscation == "" && len(d.Destruction) == 0 {
		return nil
	}
	src, parties, types := source(m)
	var b strings.Builder
	fmt.Fprintf(&b, "%s 行政处罚决定书\n%s\n当事人：%s\n", m.Agency, d.Number, names(m.Respondents))
	fmt.Fprintf(&b, "经查，%s\n", m.Facts)
	fmt.Fprintf(&b, "依据%s，决定：", d.Law)
	var orders []string
	if d.Fine != "" && d.Fine != "0" {
		orders = append(orders, "罚款人民币"+d.Fine+"元")
	}
	if d.Confiscation != "" {
		orders = append(orders, "没收"+d.Confiscation)
	}
	if len(d.Destruction) > 0 {
		orders = append(orders, "销毁"+strings.Join(d.Destruction, "、"))
	}
	b.WriteString(strings.Join(orders, "；") + "。")
	src.Text = b.String()
	doc := &Document{Kind: PenaltyDecision, Number: d.Number, Issuer: m.Agency, DecidedOn: d.DecidedOn, IPTypes: types}
	finish(doc, src, parties)
	out := []*Document{doc}
	for _, r := range m.Respondents {
		if r.Kind != filing.Organization {
			continue
		}
		text := fmt.Sprintf("%s（统一社会信用代码%s）因侵犯知识产权，于%s受到%s行政处罚（%s）：%s。",
			r.Name, r.CreditCode, chineseDate(d.DecidedOn), m.Agency, d.Number, strings.Join(orders, "；"))
		rec := &Document{Kind: CreditRecord, Subject: r.ID, Number: d.Number, Issuer: m.Agency, DecidedOn: d.DecidedOn, IPTypes: types,
			Text: text, Parties: []Party{{Name: r.Name, Organisation: true, CreditCode: r.CreditCode, Role: "RESPONDENT"}}}
		out = append(out, rec)
	}
	return out
}

// judgment builds the effective judgment or ruling of m (SPC provisions
// Art. 3(1), (2)).
func judgment(m *filing.Matter, j events.JudgmentEffective) *Document {
	src, parties, types := source(m)
	title := "民事判决书"
	if j.Ruling {
		title = "民事裁定书"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%s\n原告：%s\n被告：%s\n", j.Court, title, j.CourtNumber, names([]filing.Party{m.Complainant}), names(m.Respondents))
	fmt.Fprintf(&b, "原告诉称：%s\n", m.Facts)
	switch {
	case j.Ruling:
		b.WriteString("本院裁定如上。")
	case j.InfringementFound && j.Damages != "" && j.Damages != "0":
		fmt.Fprintf(&b, "本院认为，被告的行为构成侵权。判决：被告赔偿原告经济损失人民币%s元。", j.Damages)
	case j.InfringementFound:
		b.WriteString("本院认为，被告的行为构成侵权。判决：被告停止侵权。")
	default:
		b.WriteString("判决：驳回原告的诉讼请求。")
	}
	src.Text = b.String()
	eff := j.EffectiveOn
	doc := &Document{Kind: CivilJudgment, Number: j.CourtNumber, Issuer: j.Court, DecidedOn: j.DecidedOn, EffectiveOn: &eff, IPTypes: types}
	finish(doc, src, parties)
	return doc
}

// confirmation is the notice that stands in for a ruling confirming a
// mediation agreement: withheld (SPC provisions Art. 4(3)), with its
// number, court, date and reason published (Art. 6).
func confirmation(m *filing.Matter, c events.AgreementConfirmed) *Document {
	_, _, types := source(m)
	on := c.ConfirmedOn
	return &Document{Kind: ConfirmationRuling, Number: c.CourtNumber, Issuer: c.Court, DecidedOn: c.ConfirmedOn, EffectiveOn: &on,
		IPTypes: types, Withheld: ExcludeMediation.Article()}
}

func chineseDate(d civil.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }

// Types are the events publication consumes.
var Types = []events.Type{events.EnforcementDecided, events.TrialJudgmentEffective, events.TrialAgreementConfirmed}

// ConsumerName is the name of publication's consumer of the log.
const ConsumerName = "publication"

// Register adds the consumer that publishes on their own events the
// documents of Types, reading matters from fs and counting publication
// periods on cal.
func Register(cs *events.Consumers, fs *filing.Store, cal *deadline.Calendar, now func() time.Time) *events.Consumer {
	return cs.Register(ConsumerName, Types, Publisher(fs, cal, now))
}

// Publisher returns the consumer's handler: it builds the event's
// documents, redacts them and inserts them in tx, once per event, kind and
// subject.
func Publisher(fs *filing.Store, cal *deadline.Calendar, now func() time.Time) events.Handler {
	return func(tx store.Tx, e events.Entry) error {
		m, err := fs.Lock(tx, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return err
		}
		var docs []*Document
		var period *deadline.Rule
		switch e.Event.Type {
		case events.EnforcementDecided:
			p, err := events.Decode[events.DecidedPayload](e.Event)
			if err != nil {
				return err
			}
			docs, period = penalty(m, p), &penaltyPeriod
		case events.TrialJudgmentEffective:
			p, err := events.Decode[events.JudgmentEffective](e.Event)
			if err != nil {
				return err
			}
			docs, period = []*Document{judgment(m, p)}, &judgmentPeriod
		case events.TrialAgreementConfirmed:
			p, err := events.Decode[events.AgreementConfirmed](e.Event)
			if err != nil {
				return err
			}
			docs, period = []*Document{confirmation(m, p)}, &judgmentPeriod
		default:
			return nil
		}
		at := now().UTC()
		for _, d := range docs {
			d.MatterID, d.EventSeq, d.EventType, d.PublishTime = e.Event.MatterID, e.Event.Seq, e.Event.Type, at
			trigger := d.DecidedOn
			if d.EffectiveOn != nil {
				trigger = *d.EffectiveOn
			}
			d.PublishRule = period.String()
			if c, err := deadline.Compute(cal, trigger, *period); err == nil {
				due := c.Due
				d.PublishDue = &due
			}
			if err := insert(tx, d); err != nil {
				return err
			}
		}
		return nil
	}
}
