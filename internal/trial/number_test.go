package trial

import "testing"

// TestParseCourtNumber: numbers of published cases in the format of the SPC
// Provisions on Court Case Numbers (in force 2016-01-01, amended 2018:
// (2019)最高法知民终562号, (2021)粤73知民初1399号, (2020)浙03民终161号,
// (2017)粤0512刑初2号 …) and in the 字第 format before them
// ((2015)京知民初字第1677号), and malformed numbers.
func TestParseCourtNumber(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in   string
		want CourtNumber
	}{
		{"(2019)最高法知民终562号", CourtNumber{Year: 2019, Court: "最高法", IP: true, Type: "民终", Seq: 562}},
		{"(2021)粤73知民初1399号", CourtNumber{Year: 2021, Court: "粤73", IP: true, Type: "民初", Seq: 1399}},
		{"(2020)浙03民终161号", CourtNumber{Year: 2020, Court: "浙03", Type: "民终", Seq: 161}},
		{"(2017)粤0512刑初2号", CourtNumber{Year: 2017, Court: "粤0512", Type: "刑初", Seq: 2}},
		{"(2021)沪0115刑初4755号", CourtNumber{Year: 2021, Court: "沪0115", Type: "刑初", Seq: 4755}},
		{"(2021)京0105执41100号", CourtNumber{Year: 2021, Court: "京0105", Type: "执", Seq: 41100}},
		{"(2021)京0105执异4546号", CourtNumber{Year: 2021, Court: "京0105", Type: "执异", Seq: 4546}},
		{"(2022)京03执复461号", CourtNumber{Year: 2022, Court: "京03", Type: "执复", Seq: 461}},
		{"(2026)京73知民初123号", CourtNumber{Year: 2026, Court: "京73", IP: true, Type: "民初", Seq: 123}},
		{"（2026）京73知民初1号", CourtNumber{Year: 2026, Court: "京73", IP: true, Type: "民初", Seq: 1}},
		{"(2022)京73知刑初3号", CourtNumber{Year: 2022, Court: "京73", IP: true, Type: "刑初", Seq: 3}}, // accepted, never generated
		{"(2015)京知民初字第1677号", CourtNumber{Year: 2015, Court: "京", IP: true, Type: "民初", Seq: 1677, Legacy: true}},
		{"(2013)浙01调确字第12号", CourtNumber{Year: 2013, Court: "浙01", Type: "调确", Seq: 12, Legacy: true}},
	}
	for _, c := range ok {
		got, err := ParseCourtNumber(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseCourtNumber(%s) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"", "(2026)京73知民初0号", "(2026)京73知民初号", "2026京73知民初1号", "(2026)京73知民初1", "(26)京73知民初1号",
		"(2026)京7知民初1号", "(2026)京733知民初1号", "(2026)京73知民乙1号", "(2015)京知民初1677号", "(2016)京73知民初字第1号",
		"(2026)京73知民初-1号", "(2026)73知民初1号", "(2020)浙01调确1号", "(2026)京73知民初1号 ",
	} {
		if got, err := ParseCourtNumber(in); err == nil {
			t.Errorf("ParseCourtNumber(%q) = %+v; want an error", in, got)
		}
	}
}

// TestCourtNumberString: generated numbers; criminal first instance is
// plain 刑初.
func TestCourtNumberString(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind Kind
		inst Instance
		want string
	}{
		{Civil, First, "(2026)京73知民初7号"}, {Civil, Second, "(2026)京73知民终7号"},
		{Administrative, First, "(2026)京73知行初7号"}, {Criminal, First, "(2026)京73刑初7号"}, {Criminal, Second, "(2026)京73刑终7号"},
	} {
		code, ip := typeCode(c.kind, c.inst)
		n := CourtNumber{Year: 2026, Court: "京73", IP: ip, Type: code, Seq: 7}
		if n.String() != c.want {
			t.Errorf("%s %s: %s, want %s", c.kind, c.inst, n, c.want)
		}
		if back, err := ParseCourtNumber(n.String()); err != nil || back != n {
			t.Errorf("round trip %s: %+v, %v", n, back, err)
		}
	}
	if s := (CourtNumber{Year: 2015, Court: "京", IP: true, Type: "民初", Seq: 1677, Legacy: true}).String(); s != "(2015)京知民初字第1677号" {
		t.Errorf("legacy %s", s)
	}
}
