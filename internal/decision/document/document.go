// Package document renders a signed decision (signing.Document) as the
// formal document a person prints and files — 行政处罚决定书, 民事判决书,
// 民事裁定书, 生效证明书, 案件移送书 — as a PDF with an embedded, subset CJK
// TrueType font, and the verification code with a QR code of the
// verification URL in every page's footer.
//
// It is pure: the font comes in as bytes (LoadFont reads the file the
// operator configures, IPCASE_PDF_FONT) and the output depends only on the
// document, its code and the base URL, so the same decision renders to the
// same bytes.
//
// What it prints is what was signed, and only that: the canonical
// document (schema decision.v1) carries the parties, the articles, the
// outcome and the dates, not the narrative of facts, evidence and
// reasoning, nor the judges' names; the PDF refers to the case file for
// those rather than invent them.
package document

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"rsc.io/qr"

	"github.com/ipcase/ipcase/internal/decision/signing"
)

// Config is where the renderer's inputs are.
type Config struct {
	// FontPath is a TrueType font (glyf outlines, not CFF) with the CJK
	// ideographs, e.g. Debian's fonts-droid-fallback
	// /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf.
	FontPath string `env:"IPCASE_PDF_FONT"`
	// PublicURL is the gateway's public address; the verification URL
	// printed and encoded in the QR code is PublicURL + /v1/verify/{code}.
	PublicURL string `env:"IPCASE_PUBLIC_URL, default=http://127.0.0.1:8080"`
}

// DefaultFont is where Debian's fonts-droid-fallback puts its font
// (Apache License 2.0), which scripts/dev.sh and scripts/test.sh install.
const DefaultFont = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

// Renderer renders decisions as PDF.
type Renderer struct {
	font      []byte
	publicURL string
	// zero is the numeral zero of dates: 〇, or ○ in a font without it.
	zero rune
}

// needed are characters every document prints; a font without one of
// them would print a blank.
const needed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:/.-()" +
	"行政处罚决定书民事判决裁定生效证明移送人民法院本机关当事人原告被告申请验证码核验网址第页共年月日一二三四五六七八九十" +
	"，。、；：（）《》〔〕　"

// New returns a renderer with the TrueType font font and the public base
// URL publicURL. It returns an error if font is not a TrueType font with
// the ideographs a decision needs.
func New(font []byte, publicURL string) (*Renderer, error) {
	has, err := coverage(font)
	if err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	for _, c := range needed {
		if !has(c) {
			return nil, fmt.Errorf("pdf font: it has no glyph for %q (U+%04X); configure a CJK TrueType font with Latin letters", c, c)
		}
	}
	r := &Renderer{font: font, publicURL: strings.TrimSuffix(publicURL, "/"), zero: '〇'}
	if !has(r.zero) {
		r.zero = '○'
	}
	// A trial page proves the font is usable before the first request.
	pdf := r.newPDF(time.Unix(0, 0).UTC())
	pdf.AddPage()
	pdf.SetFont(family, "", 12)
	pdf.CellFormat(0, 6, "行政处罚决定书民事判决书裁定", "", 1, "L", false, 0, "")
	if err := pdf.Output(new(bytes.Buffer)); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	return r, nil
}

// LoadFont reads the font cfg names (DefaultFont if none).
func LoadFont(cfg Config) ([]byte, error) {
	path := cfg.FontPath
	if path == "" {
		path = DefaultFont
	}
	b, err := os.ReadFile(path) //nolint:gosec // G304: the operator's configured font file
	if err != nil {
		return nil, fmt.Errorf("pdf font (IPCASE_PDF_FONT): %w", err)
	}
	return b, nil
}

// VerifyURL is the address that verifies code.
func (r *Renderer) VerifyURL(code string) string { return r.publicURL + "/v1/verify/" + code }

const (
	family = "cjk"
	// A4, margins after GB/T 9704 (text block 156 mm wide), with room for
	// the footer's QR code at the bottom.
	pageW, pageH       = 210.0, 297.0
	marginL, marginR   = 27.0, 27.0
	marginTop          = 30.0
	footerH            = 34.0
	bodySize, lineH    = 14.0, 8.0
	titleSize, issSize = 24.0, 18.0
	qrSide             = 22.0
)

func (r *Renderer) newPDF(created time.Time) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	pdf.AddUTF8FontFromBytes(family, "", r.font)
	pdf.SetMargins(marginL, marginTop, marginR)
	pdf.SetAutoPageBreak(true, footerH)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetProducer("ipcase", false)
	return pdf
}

// Render renders d, whose verification code is code, as PDF. It returns
// an error for a kind it does not know.
func (r *Renderer) Render(d *signing.Document, code string) ([]byte, error) {
	l, err := layoutOf(d, r.zero)
	if err != nil {
		return nil, err
	}
	pdf := r.newPDF(time.Unix(d.IssuedAt, 0).UTC())
	pdf.SetTitle(l.title+" "+d.Number, true)
	pdf.SetAuthor(d.Issuer, true)
	pdf.SetSubject("验证码 "+code, true)
	pdf.AliasNbPages("{nb}")
	qrc, err := qr.Encode(r.VerifyURL(code), qr.M)
	if err != nil {
		return nil, fmt.Errorf("QR code of %s: %w", code, err)
	}
	pdf.SetFooterFunc(func() { r.footer(pdf, code, qrc) })
	pdf.AddPage()
	w := writer{pdf: pdf, zero: r.zero}
	w.heading(d.Issuer, l.title, d.Number)
	for _, b := range l.blocks {
		w.block(b)
	}
	w.signature(d.Issuer, d.DecidedOn.Year, int(d.DecidedOn.Month), d.DecidedOn.Day, l.seal)
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("rendering %s %s: %w", d.Kind, d.Number, err)
	}
	return out.Bytes(), nil
}

// footer prints the verification code, the URL and the page number, and
// the QR code of the URL, on every page.
func (r *Renderer) footer(pdf *fpdf.Fpdf, code string, c *qr.Code) {
	top := pageH - footerH + 6
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Line(marginL, top-2, pageW-marginR, top-2)
	x0 := pageW - marginR - qrSide
	module := qrSide / float64(c.Size)
	pdf.SetFillColor(0, 0, 0)
	for y := range c.Size {
		for x := range c.Size {
			if c.Black(x, y) {
				pdf.Rect(x0+float64(x)*module, top+float64(y)*module, module, module, "F")
			}
		}
	}
	pdf.SetFont(family, "", 10)
	pdf.SetXY(marginL, top+1)
	pdf.CellFormat(0, 6, "验证码："+code[:5]+"-"+code[5:], "", 2, "L", false, 0, "")
	pdf.CellFormat(0, 5, "核验网址："+r.VerifyURL(code), "", 2, "L", false, 0, "")
	pdf.SetFont(family, "", 8)
	pdf.CellFormat(0, 5, "扫描右侧二维码或访问上述网址，可核验本文书的签名与现行效力。", "", 2, "L", false, 0, "")
	pdf.SetFont(family, "", 9)
	pdf.CellFormat(0, 5, fmt.Sprintf("第 %d 页　共 {nb} 页", pdf.PageNo()), "", 2, "L", false, 0, "")
}

// writer lays out the body.
type writer struct {
	pdf  *fpdf.Fpdf
	zero rune
}

func (w writer) heading(issuer, title, number string) {
	p := w.pdf
	p.SetFont(family, "", issSize)
	p.CellFormat(0, 11, issuer, "", 1, "C", false, 0, "")
	p.SetFont(family, "", titleSize)
	p.CellFormat(0, 14, spaced(title), "", 1, "C", false, 0, "")
	p.Ln(2)
	p.SetFont(family, "", bodySize)
	p.CellFormat(0, lineH, number, "", 1, "R", false, 0, "")
	p.Ln(3)
}

// block is a paragraph: indented body text, or a party line.
type block struct {
	text   string
	indent bool
	gap    float64
}

func (w writer) block(b block) {
	p := w.pdf
	p.SetFont(family, "", bodySize)
	text := b.text
	if b.indent {
		text = "　　" + text
	}
	for _, line := range wrap(text, pageW-marginL-marginR, p.GetStringWidth) {
		p.CellFormat(0, lineH, line, "", 1, "L", false, 0, "")
	}
	if b.gap > 0 {
		p.Ln(b.gap)
	}
}

func (w writer) signature(issuer string, year, month, day int, seal string) {
	p := w.pdf
	p.SetFont(family, "", bodySize)
	if p.GetY() > pageH-footerH-4*lineH {
		// The seal stays off a page of its own without a note that the
		// page has no text (GB/T 9704-2012 §7.3.5.3).
		p.AddPage()
		p.CellFormat(0, lineH, "（此页无正文）", "", 1, "L", false, 0, "")
	}
	p.Ln(lineH)
	right := pageW - marginR - 8
	col := func(s string) {
		wd := p.GetStringWidth(s)
		p.SetX(right - wd)
		p.CellFormat(wd, lineH, s, "", 1, "L", false, 0, "")
	}
	col(issuer)
	col(chineseDate(year, month, day, w.zero))
	if seal != "" {
		col(seal)
	}
}

// spaced sets a short title with spaces between its characters, as
// titles are printed.
func spaced(s string) string {
	rs := []rune(s)
	if len(rs) > 7 {
		return s
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return strings.Join(out, " ")
}

var digits = []rune("〇一二三四五六七八九")

// chineseDate writes a date as documents do: 二〇二六年八月二十八日, with
// zero as the year's zero.
func chineseDate(year, month, day int, zero rune) string {
	var b strings.Builder
	for _, c := range fmt.Sprint(year) {
		if c == '0' {
			b.WriteRune(zero)
		} else {
			b.WriteRune(digits[c-'0'])
		}
	}
	return b.String() + "年" + chineseNumber(month) + "月" + chineseNumber(day) + "日"
}

// chineseNumber writes 1–99 in Chinese numerals: 十, 十五, 二十, 二十八.
func chineseNumber(n int) string {
	switch {
	case n < 10:
		return string(digits[n])
	case n == 10:
		return "十"
	case n < 20:
		return "十" + string(digits[n-10])
	case n%10 == 0:
		return string(digits[n/10]) + "十"
	default:
		return string(digits[n/10]) + "十" + string(digits[n%10])
	}
}

// errKind is returned for a kind no layout renders.
var errKind = errors.New("no document layout for this kind")
