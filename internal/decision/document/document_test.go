package document_test

import (
	"os"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/decision/signing"
)

func TestScratch(t *testing.T) {
	font, err := document.LoadFont(document.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := document.New(font, "https://ipcase.example")
	if err != nil {
		t.Fatal(err)
	}
	found := true
	for name, d := range map[string]*signing.Document{
		"penalty": {Kind: signing.PenaltyDecision, Number: "杭西市监处罚〔2026〕12号", Issuer: "杭州市西湖区市场监督管理局", Matter: "m1",
			DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 28}, Law: "《中华人民共和国商标法》第六十条第二款", Fine: "150000", Confiscation: "20000",
			Destruction: []string{"侵权运动鞋 1200 双", "鞋标模具 2 套"}, IssuedAt: 1788000000,
			Parties: []signing.Party{{Name: "星河贸易有限公司", Role: "COMPLAINANT", CreditCode: "91330106MA2B0QWE1X"}, {Name: "杭州某某鞋业有限公司", Role: "RESPONDENT", CreditCode: "91330106MA27XYZ12K"}}},
		"judgment": {Kind: signing.Judgment, Number: "(2026)京73民初100号", Issuer: "北京知识产权法院", Matter: "m1",
			DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1}, InfringementFound: &found, Damages: "500000", Costs: "8800", Injunction: "停止生产、销售侵害第12345678号注册商标专用权的运动鞋", IssuedAt: 1788000000,
			Parties: []signing.Party{{Name: "星河贸易有限公司", Role: "COMPLAINANT", CreditCode: "91330106MA2B0QWE1X"}, {Name: "杭州某某鞋业有限公司", Role: "RESPONDENT", CreditCode: "91330106MA27XYZ12K"}}},
	} {
		b, err := r.Render(d, "ABCDE23456")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/pdfw/"+name+".pdf", b, 0o644)
	}
}
