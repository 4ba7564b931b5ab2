package document_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/decision/signing"
)

var update = flag.Bool("update", false, "rewrite the reference pages in testdata/ (look at them before committing)")

// renderer returns a renderer over the configured font. Where
// scripts/test.sh installed the font and poppler (IPCASE_REQUIRE_PDF=1) a
// missing one fails the test; elsewhere it is skipped.
func renderer(t *testing.T) *document.Renderer {
	t.Helper()
	missing := func(what string, err error) {
		t.Helper()
		if os.Getenv("IPCASE_REQUIRE_PDF") == "1" {
			t.Fatalf("%s: %v", what, err)
		}
		t.Skipf("%s: %v (scripts/test.sh installs it)", what, err)
	}
	for _, tool := range []string{"pdftoppm", "pdftotext", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing("poppler-utils", err)
		}
	}
	font, err := document.LoadFont(document.Config{FontPath: os.Getenv("IPCASE_PDF_FONT")})
	if err != nil {
		missing("the PDF font", err)
	}
	r, err := document.New(font, "https://ipcase.example")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	complainant = signing.Party{Name: "星河贸易有限公司", Role: "COMPLAINANT", CreditCode: "91330106MA2B0QWE1X"}
	respondent  = signing.Party{Name: "杭州某某鞋业有限公司", Role: "RESPONDENT", CreditCode: "91330106MA27XYZ12K"}
	yes, no     = true, false
)

// Documents of every kind, written for the tests.
var docs = map[string]*signing.Document{
	"penalty": {Kind: signing.PenaltyDecision, Number: "杭西市监处罚〔2026〕12号", Issuer: "杭州市西湖区市场监督管理局", Matter: "m-penalty",
		DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 28}, Law: "《中华人民共和国商标法》第六十条第二款", Fine: "150000", Confiscation: "20000",
		Destruction: []string{"侵权运动鞋 1200 双", "鞋标模具 2 套"}, IssuedAt: 1788000000, Parties: []signing.Party{complainant, respondent}},
	"judgment": {Kind: signing.Judgment, Number: "(2026)京73民初100号", Issuer: "北京知识产权法院", Matter: "m-judgment",
		DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1}, InfringementFound: &yes, Damages: "500000", Costs: "8800",
		Injunction: "停止生产、销售侵害第12345678号注册商标专用权的运动鞋", IssuedAt: 1788000000, Parties: []signing.Party{complainant, respondent}},
	"appeal": {Kind: signing.Judgment, Number: "(2026)京民终200号", Issuer: "北京市高级人民法院", Matter: "m-judgment",
		DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 20}, InfringementFound: &no, Damages: "0", Costs: "8800", IssuedAt: 1788000000,
		Parties: []signing.Party{complainant, respondent}},
	"ruling": {Kind: signing.Judgment, Number: "(2026)京73民初101号", Issuer: "北京知识产权法院", Matter: "m-ruling", Ruling: true,
		DecidedOn: civil.Date{Year: 2026, Month: 7, Day: 10}, InfringementFound: &no, IssuedAt: 1788000000, Parties: []signing.Party{complainant, respondent}},
	"effective": {Kind: signing.EffectiveJudgment, Number: "(2026)京73民初100号", Issuer: "北京知识产权法院", Matter: "m-judgment",
		DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1}, EffectiveOn: &civil.Date{Year: 2026, Month: 6, Day: 20}, InfringementFound: &yes,
		Damages: "500000", IssuedAt: 1788000000, Parties: []signing.Party{complainant, respondent}},
	"confirmation": {Kind: signing.ConfirmationRuling, Number: "(2026)京0108民特30号", Issuer: "北京市海淀区人民法院", Matter: "m-confirm", Ruling: true,
		DecidedOn: civil.Date{Year: 2026, Month: 5, Day: 12}, Reason: "协议系双方自愿达成，内容不违反法律规定", IssuedAt: 1788000000,
		Parties: []signing.Party{complainant, respondent}},
	"transfer": {Kind: signing.TransferToPolice, Number: "杭西市监移〔2026〕3号", Issuer: "杭州市西湖区市场监督管理局", Matter: "m-transfer",
		DecidedOn: civil.Date{Year: 2026, Month: 4, Day: 2}, Recipient: "杭州市公安局西湖区分局", Reason: "非法经营数额达二十五万元，涉嫌假冒注册商标罪",
		IssuedAt: 1788000000, Parties: []signing.Party{complainant, respondent}},
}

// text is what pdftotext reads from the PDF: with the font embedded with a
// ToUnicode map, the Chinese comes back as Chinese. Line breaks are
// removed, so that a phrase split over two lines is found.
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// A font without 〇 (U+3007) prints dates with ○ (U+25CB).
	return strings.NewReplacer("\n", "", "\f", "", " ", "", "○", "〇").Replace(string(out))
}

// TestDocumentsSayWhatTheLawRequires renders each kind and reads the text
// back from the PDF: the heading, number, parties, what was decided, and
// the periods of review, litigation or appeal with their articles, as
// worked out from the statutes (Administrative Reconsideration Law
// Art. 20: 60 days; Administrative Litigation Law Art. 46: 6 months; CPL
// Art. 171: 15 days for a judgment, 10 for a ruling, Art. 286: 30 days
// without a domicile in China; Art. 182: the second instance is final;
// Administrative Penalty Law Art. 67 ¶3: pay within 15 days), and the
// verification code and URL on every page.
func TestDocumentsSayWhatTheLawRequires(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	for _, tt := range []struct {
		doc     string
		want    []string
		notWant []string
	}{
		{"penalty", []string{"杭州市西湖区市场监督管理局", "行政处罚决定书", "杭西市监处罚〔2026〕12号", "当事人：杭州某某鞋业有限公司，统一社会信用代码：91330106MA27XYZ12K。",
			"依据《中华人民共和国商标法》第六十条第二款的规定", "一、罚款人民币150000元；", "二、没收违法所得人民币20000元；", "侵权运动鞋1200双、鞋标模具2套",
			"自收到本决定书之日起十五日内", "第六十七条第三款", "每日按罚款数额的百分之三加处罚款",
			"六十日内依法申请行政复议（《中华人民共和国行政复议法》第二十条）", "六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）",
			"二〇二六年八月二十八日", "（印章）"}, []string{"星河贸易"}},
		{"judgment", []string{"北京知识产权法院", "民事判决书", "(2026)京73民初100号", "原告：星河贸易有限公司", "被告：杭州某某鞋业有限公司",
			"本院认为", "判决如下", "立即停止侵害行为：停止生产、销售侵害第12345678号注册商标专用权的运动鞋", "共计人民币500000元。",
			"案件受理费人民币8800元，由杭州某某鞋业有限公司负担", "判决书送达之日起十五日内", "第一百七十一条第一款", "上诉期限为三十日（同法第二百八十六条）",
			"二〇二六年六月一日", "（院印）"}, []string{"终审"}},
		{"appeal", []string{"北京市高级人民法院", "民事判决书", "上诉人（原审原告）：星河贸易有限公司", "驳回星河贸易有限公司的全部诉讼请求。",
			"案件受理费人民币8800元，由星河贸易有限公司负担", "本判决为终审判决（《中华人民共和国民事诉讼法》第一百八十二条）"}, []string{"十五日内"}},
		{"ruling", []string{"民事裁定书", "裁定如下", "裁定书送达之日起十日内", "第一百七十一条第二款"}, []string{"判决"}},
		{"effective", []string{"生效证明书", "本院二〇二六年六月一日作出的(2026)京73民初100号民事判决书，已于二〇二六年六月二十日发生法律效力",
			"第一百五十八条"}, nil},
		{"confirmation", []string{"北京市海淀区人民法院", "民事裁定书", "(2026)京0108民特30号", "申请人：星河贸易有限公司", "申请人：杭州某某鞋业有限公司",
			"第二百零五条", "依照《中华人民共和国民事诉讼法》第二百零六条的规定，裁定如下", "达成的调解协议有效。", "协议系双方自愿达成"}, []string{"上诉"}},
		{"transfer", []string{"案件移送书", "杭州市公安局西湖区分局：", "涉嫌犯罪", "第二十七条第一款", "涉嫌假冒注册商标罪"}, nil},
	} {
		t.Run(tt.doc, func(t *testing.T) {
			t.Parallel()
			pdf, err := r.Render(docs[tt.doc], "ABCDE23456")
			if err != nil {
				t.Fatal(err)
			}
			got := text(t, pdf)
			for _, w := range append(tt.want, "验证码：ABCDE-23456", "核验网址：https://ipcase.example/v1/verify/ABCDE23456") {
				if !strings.Contains(got, strings.ReplaceAll(w, " ", "")) {
					t.Errorf("the PDF does not say %q; it says:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("the PDF says %q, which this kind must not", w)
				}
			}
		})
	}
}

// TestEveryPageCarriesTheCode renders a penalty decision of two pages and
// counts the code in each page's text.
func TestEveryPageCarriesTheCode(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	pdf, err := r.Render(docs["penalty"], "ABCDE23456")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	per := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if len(per) < 2 {
		t.Fatalf("the penalty decision has %d page(s); the test wants two", len(per))
	}
	for i, p := range per {
		if !strings.Contains(p, "ABCDE-23456") || !strings.Contains(p, fmt.Sprintf("第 %d 页", i+1)) || !strings.Contains(p, fmt.Sprintf("共 %d 页", len(per))) {
			t.Errorf("page %d lacks the code or its number:\n%s", i+1, p)
		}
	}
}

// TestFontIsEmbedded asks pdffonts: one font, embedded, with a ToUnicode
// map, and the file is small because only the glyphs used are embedded (the
// whole font is megabytes).
func TestFontIsEmbedded(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	pdf, err := r.Render(docs["judgment"], "ABCDE23456")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "pdffonts", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("pdffonts lists %d fonts, want 1:\n%s", len(lines)-2, out)
	}
	// name type encoding emb sub uni object ID: "CID TrueType Identity-H yes no yes 7 0"
	f := strings.Fields(lines[2])
	if len(f) < 8 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" || !strings.Contains(lines[2], "CID TrueType") {
		t.Fatalf("font not embedded with a ToUnicode map:\n%s", out)
	}
	if len(pdf) > 400_000 {
		t.Errorf("the PDF is %d bytes: the font is not subset", len(pdf))
	}
}

// TestSameDocumentSameBytes: rendering depends on the document only.
func TestSameDocumentSameBytes(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	a, err := r.Render(docs["penalty"], "ABCDE23456")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(docs["penalty"], "ABCDE23456")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of one document differ")
	}
}

// TestPagesLookAsReviewed converts page 1 of each reference document to
// PNG with pdftoppm and compares it with the reviewed reference in
// testdata/ (looked at before it was committed; -update rewrites them).
// Anti-aliasing may differ between poppler builds: a pixel counts as
// different when its grey differs by more than 96 of 255, and up to 0.5 %
// of the pixels may. On a mismatch the actual page and a diff (differing
// pixels red) go to $IPCASE_TEST_ARTIFACTS.
func TestPagesLookAsReviewed(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	for _, name := range []string{"penalty", "judgment", "confirmation"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pdf, err := r.Render(docs[name], "ABCDE23456")
			if err != nil {
				t.Fatal(err)
			}
			got := page1(t, pdf)
			ref := filepath.Join("testdata", name+"-page1.png")
			if *update {
				writePNG(t, ref, got)
				return
			}
			f, err := os.Open(ref)
			if err != nil {
				t.Fatalf("%v (run with -update, then look at the PNG before committing it)", err)
			}
			defer func() { _ = f.Close() }()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if diff, bad, total := compare(want, got); bad*200 > total {
				msg := fmt.Sprintf("page 1 of %s differs from %s in %d of %d pixels", name, ref, bad, total)
				if dir := os.Getenv("IPCASE_TEST_ARTIFACTS"); dir != "" {
					writePNG(t, filepath.Join(dir, "pdf-"+name+"-page1-actual.png"), got)
					writePNG(t, filepath.Join(dir, "pdf-"+name+"-page1-diff.png"), diff)
					msg += "; the actual page and the diff are in " + dir
				}
				t.Error(msg)
			}
		})
	}
}

// page1 renders page 1 at 60 dpi in grey.
func page1(t *testing.T, pdf []byte) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "d.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-gray", "-png", "-singlefile", in, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "p.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// compare counts the pixels whose grey differs by more than 96, and draws
// them red over a faded copy of want.
func compare(want, got image.Image) (diff *image.RGBA, bad, total int) {
	b := want.Bounds()
	diff = image.NewRGBA(b)
	total = b.Dx() * b.Dy()
	if got.Bounds() != b {
		return diff, total, total
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			w := color.GrayModel.Convert(want.At(x, y)).(color.Gray).Y
			g := color.GrayModel.Convert(got.At(x, y)).(color.Gray).Y
			d := int(w) - int(g)
			if d > 96 || d < -96 {
				bad++
				diff.Set(x, y, color.RGBA{R: 255, A: 255})
				continue
			}
			fade := 192 + w/4
			diff.Set(x, y, color.RGBA{R: fade, G: fade, B: fade, A: 255})
		}
	}
	return diff, bad, total
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestNewRefusesUnusableFonts: not a font, and a font without the
// characters a decision prints, are refused when the renderer is made.
func TestNewRefusesUnusableFonts(t *testing.T) {
	t.Parallel()
	if _, err := document.New([]byte("not a font at all"), "https://ipcase.example"); err == nil {
		t.Error("New accepted bytes that are no font")
	}
	font, err := document.LoadFont(document.Config{FontPath: "/nonexistent/font.ttf"})
	if err == nil || !strings.Contains(err.Error(), "IPCASE_PDF_FONT") {
		t.Errorf("LoadFont of a missing file: %d bytes, %v", len(font), err)
	}
}
