package similar

import (
	"testing"

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

// TestBigrams: the facts' text for the full-text rank (migration 000028)
// is every pair of adjacent letters or digits; punctuation breaks pairs.
// 销售假冒，LED灯 has the pairs 销售 售假 假冒 | LE ED D灯 (冒， and ，L
// straddle the comma); the tsvector lower-cases them.
func TestBigrams(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	var pairs, vec string
	err := db.Session(t.Context()).Gorm().Raw(`SELECT similar_bigrams(?), to_tsvector('simple', similar_bigrams(?))::text`,
		"销售假冒，LED灯", "销售假冒，LED灯").Row().Scan(&pairs, &vec)
	if err != nil {
		t.Fatal(err)
	}
	if pairs != "销售 售假 假冒 LE ED D灯" {
		t.Errorf("similar_bigrams = %q, want %q", pairs, "销售 售假 假冒 LE ED D灯")
	}
	if want := "'d灯':6 'ed':5 'le':4 '假冒':3 '售假':2 '销售':1"; vec != want {
		t.Errorf("tsvector = %q, want %q", vec, want)
	}
}
