package similar

import (
	"errors"
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// Type 7 quartiles of 1, 2, 3, 4, 10 (n = 5): h = p·(n−1), so Q1 at h = 1
// is 2, the median at h = 2 is 3, Q3 at h = 3 is 4. Of 1, 2, 3, 4 (n = 4):
// Q1 at h = 0.75 is 1 + 0.75·1 = 1.75, median at 1.5 is 2.5, Q3 at 2.25 is
// 3.25.
func TestQuartiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		xs          []float64
		q1, med, q3 float64
	}{
		{[]float64{10, 1, 4, 2, 3}, 2, 3, 4},
		{[]float64{4, 3, 2, 1}, 1.75, 2.5, 3.25},
	} {
		q1, med, q3, ok := Quartiles(tt.xs)
		if !ok || q1 != tt.q1 || med != tt.med || q3 != tt.q3 {
			t.Errorf("Quartiles(%v) = %v %v %v %v, want %v %v %v", tt.xs, q1, med, q3, ok, tt.q1, tt.med, tt.q3)
		}
	}
}

// TestFind: the band keeps the same kind, IP type and law with a base
// within 3× (100,000 yuan: 33,333.33 to 300,000); the facts and the same
// decider rank the shoe case first.
func TestFind(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	day := civil.Date{Year: 2024, Month: 5, Day: 6}
	rows := []Matter{
		{MatterID: "00000000-0000-0000-0000-000000000001", Number: "杭市监罚〔2024〕1号", Decider: "浙江省杭州市市场监督管理局",
			Base: damages.Yuan(120_000), Amount: damages.Yuan(300_000), Facts: "当事人销售假冒注册商标的运动鞋共计三百双"},
		{MatterID: "00000000-0000-0000-0000-000000000002", Number: "穗市监罚〔2024〕2号", Decider: "广东省广州市市场监督管理局",
			Base: damages.Yuan(90_000), Amount: damages.Yuan(180_000), Facts: "当事人生产侵犯注册商标专用权的白酒包装盒"},
		{MatterID: "00000000-0000-0000-0000-000000000003", Number: "沪市监罚〔2024〕3号", Decider: "上海市市场监督管理局",
			Base: damages.Yuan(400_000), Amount: damages.Yuan(800_000), Facts: "当事人销售假冒注册商标的运动鞋"},
		{MatterID: "00000000-0000-0000-0000-000000000004", Number: "京市监罚〔2024〕4号", Decider: "北京市市场监督管理局", Law: "Trademark Law 2013",
			Base: damages.Yuan(100_000), Amount: damages.Yuan(200_000), Facts: "当事人销售假冒注册商标的运动鞋"},
	}
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		for i, m := range rows {
			m.EventSeq, m.Kind, m.IPType, m.DecidedOn, m.Share, m.Region = int64(i+1), Fine, "trademark", day, 500, Region(m.Decider)
			m.Law = map[bool]string{true: m.Law, false: "Trademark Law 2019"}[m.Law != ""]
			if err := add(tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, n, err := NewStore(db).Find(t.Context(), Query{Kind: Fine, IPType: "trademark", Law: "Trademark Law 2019",
		Base: damages.Yuan(100_000), Decider: "浙江省杭州市市场监督管理局", Region: "浙江", Facts: "销售假冒注册商标的运动鞋", Factor: 3, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(ms) != 2 {
		t.Fatalf("Find: %d candidates, %d matches; want 2 and 2 (the 400,000 base and the 2013 law are out)", n, len(ms))
	}
	if ms[0].Number != "杭市监罚〔2024〕1号" || ms[0].Relevance <= ms[1].Relevance {
		t.Errorf("Find ranked %s (%d: %s) first, want 杭市监罚〔2024〕1号", ms[0].Number, ms[0].Relevance, ms[0].Reason)
	}
}

// TestReport checks the report's figures on two fines worked by hand:
// shares 0.24 and 0.75 of the range, 1.5 and 3.75 times the base (type 7,
// n = 2: Q1 = x1 + 0.25·(x2 − x1), Q3 = x1 + 0.75·(x2 − x1)). Shares:
// 0.3675 → 0.37, 0.495 → 0.50, 0.6225 → 0.62, rounded half up, not to the
// binary fraction below 0.495. Multiples: 2.0625 → 2.063, 2.625, 3.1875 →
// 3.188. The shares lie 0.51 apart: a divergence note (item 11). The second
// fine moved to 0.30 leaves the multiples apart (3.75 / 1.5 ≥ 2), and
// moved to twice its base as well, nothing is.
func TestReport(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC)
	ms := []Match{
		{Matter: Matter{MatterID: "a", Kind: Fine, Number: "甲", Amount: damages.Yuan(60_000), Base: damages.Yuan(40_000), Multiple: 1500, Share: 240,
			DecidedOn: civil.Date{Year: 2026, Month: 10, Day: 14}}, Relevance: 85, Reason: "甲理由"},
		{Matter: Matter{MatterID: "b", Kind: Fine, Number: "乙", Amount: damages.Yuan(300_000), Base: damages.Yuan(80_000), Multiple: 3750, Share: 750,
			DecidedOn: civil.Date{Year: 2023, Month: 10, Day: 19}}, Relevance: 80, Reason: "乙理由"},
	}
	q := Query{Kind: Fine, IPType: "trademark", Law: "Trademark Law 2019", Base: damages.Yuan(50_000), Factor: 3}
	r := Retrieval{By: "SAMR-HZ", At: at, Uses: []*ipcasev1.SimilarCaseUse{{Matter: "matters/b", Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED}}}
	out, err := Report(q, r, ms, 7)
	if err != nil {
		t.Fatal(err)
	}
	if s := out.GetRangeShare(); s.GetQ1() != "0.37" || s.GetMedian() != "0.50" || s.GetQ3() != "0.62" {
		t.Errorf("share spread %v; want 0.37 0.50 0.62", s)
	}
	if s := out.GetMultiple(); s.GetQ1() != "2.063" || s.GetMedian() != "2.625" || s.GetQ3() != "3.188" {
		t.Errorf("multiple spread %v; want 2.063 2.625 3.188", s)
	}
	if c := out.GetCases()[1]; c.GetUsage() != ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED || c.GetRangeShare() != "0.75" || c.GetMultiple() != "3.750" {
		t.Errorf("case b: %v", c)
	}
	// 2026-10-20 less three years is 2023-10-20: 乙 (2023-10-19) is older.
	for _, want := range []string{"符合条件7件，列出2件，其中2023-10-20以后作出的1件", "自24%至75%", "2. 乙 （2023-10-19）相关度80：乙理由；裁判要点：罚款300000.00元，位于法定幅度75%处，为基数的3.75倍；可以作为参考（第九条）；运用：参考"} {
		if !strings.Contains(out.GetReport(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.GetReport())
		}
	}
	ms[1].Share = 300
	if out, err = Report(q, Retrieval{At: at}, ms, 2); err != nil || !strings.HasPrefix(out.GetDivergence(), "类案罚款与基数之比自1.5至3.75，相差一倍以上") {
		t.Errorf("shares 0.24 and 0.30, multiples 1.5 and 3.75: divergence %q, %v; want the multiples'", out.GetDivergence(), err)
	}
	ms[1].Multiple = 2000
	if out, err = Report(q, Retrieval{At: at}, ms, 2); err != nil || out.GetDivergence() != "" || !strings.Contains(out.GetReport(), "法律适用分歧：未见") {
		t.Errorf("shares 0.24 and 0.30, multiples 1.5 and 2: divergence %q, %v; want none", out.GetDivergence(), err)
	}
	if _, err := Report(q, Retrieval{At: at, Uses: []*ipcasev1.SimilarCaseUse{{Matter: "matters/c"}}}, ms, 2); !errors.Is(err, errs.InvalidArgument) {
		t.Errorf("a use of a matter not listed: %v; want InvalidArgument", err)
	}
}

// TestBigrams: the facts' text for the full-text rank (migration 000030)
// is every pair of adjacent letters or digits; punctuation breaks pairs.
// 销售假冒，LED灯 has the pairs 销售 售假 假冒 | LE ED D灯 (冒， and ，L
// straddle the comma); the tsvector lower-cases them. The same under the
// C collation, which a cluster made with --no-locale has (scripts/pg.sh):
// a class like [[:alnum:]] would match no Chinese there.
func TestBigrams(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	for _, collation := range []string{"default", "C"} {
		var pairs, vec string
		err := db.Session(t.Context()).Gorm().Raw(`SELECT similar_bigrams(?::text COLLATE "`+collation+`"), to_tsvector('simple', similar_bigrams(?::text COLLATE "`+collation+`"))::text`,
			"销售假冒，LED灯", "销售假冒，LED灯").Row().Scan(&pairs, &vec)
		if err != nil {
			t.Fatal(err)
		}
		if pairs != "销售 售假 假冒 LE ED D灯" {
			t.Errorf("collation %s: similar_bigrams = %q, want %q", collation, pairs, "销售 售假 假冒 LE ED D灯")
		}
		if want := "'d灯':6 'ed':5 'le':4 '假冒':3 '售假':2 '销售':1"; vec != want {
			t.Errorf("collation %s: tsvector = %q, want %q", collation, vec, want)
		}
	}
}

// TestFindCountsToCap: a band of exactly 10,000 matters is counted
// exactly; with one more the count stops at 10,001 and the report says
// "more than 10,000" (超过10000件, more_candidates) instead of a figure it
// did not count.
func TestFindCountsToCap(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	insert := func(from, to int) {
		t.Helper()
		err := db.Session(t.Context()).Gorm().Exec(`INSERT INTO similar_matters (matter_id, event_seq, kind, ip_type, law, number, decider,
				region, decided_on, base, multiple, amount, share, intentional, repeat, serious, facts)
			SELECT gen_random_uuid(), 1, 'FINE', 'trademark', 'Trademark Law 2019', 'N' || i, '上海市市场监督管理局', '上海', DATE '2024-05-06',
				10000000 + i, 2000, 20000000, 500, false, false, false, '当事人销售假冒注册商标的运动鞋'
			FROM generate_series(?::int, ?::int) AS i`, from, to).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	q := Query{Kind: Fine, IPType: "trademark", Law: "Trademark Law 2019", Base: damages.Yuan(100_000),
		Facts: "销售假冒注册商标的运动鞋", Factor: 3, Limit: 5}
	r := Retrieval{At: time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC)}
	insert(1, 10000)
	ms, n, err := NewStore(db).Find(t.Context(), q)
	if err != nil || n != 10000 || len(ms) != 5 {
		t.Fatalf("Find over 10,000 matters: %d counted, %d matches, %v; want 10000 and 5", n, len(ms), err)
	}
	out, err := Report(q, r, ms, n)
	if err != nil || out.GetCandidates() != 10000 || out.GetMoreCandidates() || !strings.Contains(out.GetReport(), "符合条件10000件，列出5件") {
		t.Fatalf("10,000 candidates: %d, more %v, %v:\n%s", out.GetCandidates(), out.GetMoreCandidates(), err, out.GetReport())
	}
	insert(10001, 10002)
	ms, n, err = NewStore(db).Find(t.Context(), q)
	if err != nil || n != 10001 || len(ms) != 5 {
		t.Fatalf("Find over 10,002 matters: %d counted, %d matches, %v; want 10001 (counting stops) and 5", n, len(ms), err)
	}
	out, err = Report(q, r, ms, n)
	if err != nil || out.GetCandidates() != 10000 || !out.GetMoreCandidates() || !strings.Contains(out.GetReport(), "符合条件超过10000件，列出5件") {
		t.Fatalf("10,002 candidates: %d, more %v, %v:\n%s", out.GetCandidates(), out.GetMoreCandidates(), err, out.GetReport())
	}
	for _, m := range ms {
		if !strings.HasPrefix(m.Number, "N") || m.Amount != damages.Yuan(200_000) || m.Share != 500 || m.Multiple != 2000 || m.Facts == "" {
			t.Errorf("match %s read back as %+v", m.MatterID, m.Matter)
		}
	}
}
