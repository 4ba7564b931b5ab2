package main

import (
	"encoding/json"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// decideByCLI files a trademark complaint with facts and works its
// enforcement case to a fine with the built binary, as the README's
// officer does: opened Monday 2026-09-28, notice served Wednesday 09-30
// (statement and hearing until Tuesday 10-13, over National Day), decided
// Wednesday 10-14. It returns the matter's name.
func decideByCLI(e *chain, officer *user, facts, volume, fine string) string {
	e.t.Helper()
	e.setDay("2026-09-28")
	var m ipcasev1.Matter
	officer.read(&m, "complaint", "submit", "--agency", "SAMR-HZ",
		"--complainant", "organization:福州星河茶饮有限公司:91350100M000100Y43", "--respondent", "organization:杭州仿品贸易有限公司:91330100MA2AXQ9B12",
		"--right", "trademark:12345678:星河", "--facts", facts)
	officer.read(&m, "complaint", "accept", m.GetName(), "--route", "enforcement", "--forum", "SAMR-HZ")
	var k ipcasev1.EnforcementCase
	officer.read(&k, "enforcement", "open", m.GetName(), "--agency", "SAMR-HZ")
	c := k.GetName()
	officer.must("enforcement", "assign", c, "--officer", "wang:王伟", "--officer", "li:李娜")
	officer.must("enforcement", "findings", c, "--text", facts, "--volume", volume, "--computation", "售价×数量")
	officer.must("enforcement", "notify", c, "--offence", "trademark", "--conduct-date", "2026-06-01", "--party", "organization", "--served-on", "2026-09-30")
	e.setDay("2026-10-14")
	officer.read(&k, "enforcement", "decide", c, "--fine", fine, "--decided-on", "2026-10-14")
	if k.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DECIDED {
		e.t.Fatalf("decided case: %v", k.GetState())
	}
	return m.GetName()
}

// TestFineSimilarCLI: two fines decided with the built binary reach the
// similar cases through ipcased's consumer, and `ipcase damages fine
// --similar` prints them beside the fine being computed: the table, the
// spread and the report; -o json carries them under "similar".
//
// Hand-worked (Trademark Law 2019 Art. 60 ¶2): A, volume 40,000 (range up
// to 250,000), fine 60,000: 0.24 of the range, 1.5× the volume; B, volume
// 80,000 (up to five times: 400,000), fine 300,000: 0.75, 3.75×. Against
// a volume of 50,000 their bases are 0.80 and 1.60 times this one. The
// amounts' median (type 7, n = 2) is 180,000, the quartiles 120,000 and
// 240,000; the multiples' 2.0625 → 2.063, 2.625, 3.1875 → 3.188; the
// shares' 0.3675 → 0.37, 0.495 → 0.50, 0.6225 → 0.62 (half up).
func TestFineSimilarCLI(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-09-28")
	officer := e.officer()
	a := decideByCLI(e, officer, "当事人在杭州三家门店销售假冒星河注册商标的奶茶杯一千六百个", "40000", "60000")
	b := decideByCLI(e, officer, "当事人在杭州仓库储存并销售假冒星河注册商标的奶茶杯三千二百个", "80000", "300000")
	e.pump()
	e.setDay("2026-10-20")

	args := []string{"damages", "fine", "--offence", "trademark", "--conduct-date", "2026-06-01", "--decision-date", "2026-10-20",
		"--volume", "50000", "--party", "organization", "--similar", "--facts", "销售假冒星河注册商标的奶茶杯", "--decider", "SAMR-HZ",
		"--issues", "违法经营额的认定", "--use", strings.TrimPrefix(b, "matters/") + "=not-used:该案有仓储情节"}
	out := officer.must(args...)
	for _, want := range [][]string{
		{"maximum fine", "250,000.00", "Trademark Law 2019, Art. 60 ¶2"},
		{"Similar decided matters (类案): 2 listed of 2"},
		{"SAMR-HZ", "2026-10-14", "fine 60,000.00, 0.24 of range, ×1.5", "基数为本案0.80倍", "同一机关"},
		{"SAMR-HZ", "2026-10-14", "fine 300,000.00, 0.75 of range, ×3.75", "基数为本案1.60倍"},
		{"amount", "120,000.00", "180,000.00", "240,000.00"},
		{"multiple", "2.063", "2.625", "3.188"},
		{"share of range", "0.37", "0.50", "0.62"},
		{"Divergence:", "自24%至75%", "第十一条"},
		{"检索主体：SAMR-HZ（officer@SAMR-HZ）"},
		{"检索时间：2026-10-20 10:00（北京时间）"},
		{"待决案件争议焦点：违法经营额的认定"},
		{"运用：未采用，该案有仓储情节"},
	} {
		if !lineWith(out, want...) {
			t.Errorf("no output line holds %q:\n%s", want, out)
		}
	}

	var js struct {
		Law     string `json:"law"`
		Similar struct {
			Candidates int
			Cases      []struct {
				Matter, RangeShare, Multiple, Reason, Usage, UsageNote string
				Relevance                                              int
			}
			AmountYuan struct{ Q1, Median, Q3 string }
			SearchedBy string
			Report     string
		} `json:"similar"`
	}
	if err := json.Unmarshal([]byte(officer.must(append(args, "-o", "json")...)), &js); err != nil {
		t.Fatal(err)
	}
	s := js.Similar
	if js.Law == "" || s.Candidates != 2 || len(s.Cases) != 2 || s.AmountYuan.Median != "180000.00" || s.SearchedBy != "SAMR-HZ（officer@SAMR-HZ）" ||
		!strings.HasPrefix(s.Report, "类案检索报告") {
		t.Fatalf("-o json: %+v", js)
	}
	got := map[string]string{}
	for _, c := range s.Cases {
		got[c.Matter] = c.RangeShare + " " + c.Multiple + " " + c.Usage + " " + c.UsageNote
		if c.Relevance < 1 || c.Relevance > 100 {
			t.Errorf("%s: relevance %d", c.Matter, c.Relevance)
		}
	}
	if got[a] != "0.24 1.500 SIMILAR_CASE_USAGE_UNSPECIFIED " || got[b] != "0.75 3.750 SIMILAR_CASE_USAGE_NOT_USED 该案有仓储情节" {
		t.Errorf("-o json cases: %v", got)
	}

	// Usage errors and a refusal naming the flag.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"damages", "fine", "--local", "--offence", "trademark", "--conduct-date", "2026-06-01", "--volume", "50000", "--similar"},
			exitUsage, "--similar asks ipcased for the decided matters it keeps"},
		{[]string{"damages", "calc", "--ip-type", "trademark", "--statutory", "--facts", "奶茶杯"}, exitUsage, "--facts only work with --similar"},
		{[]string{"damages", "calc", "--ip-type", "trademark", "--similar", "--reason", "boredom"}, exitUsage, `--reason: "boredom" is not one of committee`},
		{[]string{"damages", "calc", "--ip-type", "trademark", "--conduct-start", "2025-01-01", "--conduct-end", "2025-12-31", "--statutory",
			"--similar", "--use", a + "=followed"}, exitRefused, "--use (similar.uses[0].usage): is FOLLOWED, which the SPC guidance (2020) item 9 keeps for guiding cases"},
		{[]string{"damages", "fine", "--offence", "trademark", "--conduct-date", "2026-06-01", "--decision-date", "2026-10-20", "--volume", "50000",
			"--party", "organization", "--similar", "--reason", "other"}, exitRefused, "--reason-note (similar.reason_note): is empty"},
	} {
		r := officer.run(tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("ipcase %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.want)
		}
	}

	// Damages with a court's reason: statutory damages reach every award
	// of the law; none is decided here, and the report says so.
	out = officer.must("damages", "calc", "--ip-type", "trademark", "--conduct-start", "2025-01-01", "--conduct-end", "2025-12-31", "--statutory",
		"--similar", "--reason", "committee")
	for _, want := range [][]string{
		{"Similar decided matters (类案): 0 listed of 0"},
		{"检索原因：拟提交专业（主审）法官会议或者审判委员会讨论（第二条第（一）项）"},
		{"检索结果：符合条件0件，列出0件"},
	} {
		if !lineWith(out, want...) {
			t.Errorf("no output line holds %q:\n%s", want, out)
		}
	}
}
