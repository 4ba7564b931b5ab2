package trial

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// CourtNumber is a court case number (案号) as the SPC Provisions on Court
// Case Numbers (in force 2016-01-01, amended 2018-12-07) make it:
// `(2026)京73知民初123号` since 2016, `(2015)京知民初字第1677号` before.
type CourtNumber struct {
	Year int
	// Court is the court code: 最高法, a province abbreviation, or one with 2
	// (intermediate) or 4 (basic) digits, e.g. 京73, 粤0115.
	Court string
	// IP is the specialised-trial code 知.
	IP bool
	// Type is the type code, e.g. 民初, 民终, 刑初, 行终, 民特.
	Type string
	Seq  int64
	// Legacy is the pre-2016 form with 字第.
	Legacy bool
}

// typeCodes are the type codes ipcase knows (SPC Provisions on Court Case
// Numbers, annex), longest first so that 执恢 wins over 执; 调确 is the
// pre-2016 judicial confirmation (SPC Provisions on Judicial Confirmation
// of People's Mediation Agreements (2011) Art. 4).
const typeCodes = `民初|民终|民申|民再|民特|刑初|刑终|行初|行终|执恢|执异|执复|执|调确`

var (
	modernRE = regexp.MustCompile(`^[(（](\d{4})[)）](最高法|\p{Han}(?:\d{4}|\d{2})?)(知)?(` + typeCodes + `)([1-9]\d{0,9})号$`)
	legacyRE = regexp.MustCompile(`^[(（](\d{4})[)）](最高法|\p{Han}(?:\d{4}|\d{2})?)(知)?(` + typeCodes + `)字第([1-9]\d{0,9})号$`)
)

// ParseCourtNumber reads a court number in today's format or the pre-2016
// 字第 form, with ASCII or full-width parentheses. 知刑初 is accepted when
// parsing, though never generated: the 2018 amendment gives 知 to the
// civil and administrative cases of the NPCSC decision on patent and other
// IP litigation, and published IP-crime judgments use plain 刑初.
func ParseCourtNumber(s string) (CourtNumber, error) {
	m, legacy := modernRE.FindStringSubmatch(s), false
	if m == nil {
		m, legacy = legacyRE.FindStringSubmatch(s), true
	}
	if m == nil {
		return CourtNumber{}, fmt.Errorf("%q is not a court number such as (2026)京73知民初1号 or (2015)京知民初字第1677号", s)
	}
	year, _ := strconv.Atoi(m[1])
	seq, _ := strconv.ParseInt(m[5], 10, 64)
	n := CourtNumber{Year: year, Court: m[2], IP: m[3] != "", Type: m[4], Seq: seq, Legacy: legacy}
	switch {
	case year < 1949 || year > 2999:
		return CourtNumber{}, fmt.Errorf("%q: year %d is out of range", s, year)
	case legacy && year >= 2016:
		return CourtNumber{}, fmt.Errorf("%q: the 字第 form was replaced on 2016-01-01", s)
	case !legacy && year < 2016:
		return CourtNumber{}, fmt.Errorf("%q: a number of %d is written with 字第", s, year)
	case !legacy && n.Type == "调确":
		return CourtNumber{}, fmt.Errorf("%q: 调确 is a pre-2016 type code; judicial confirmation is 民特 since", s)
	}
	return n, nil
}

// String writes n in its form, with ASCII parentheses.
func (n CourtNumber) String() string {
	ip := ""
	if n.IP {
		ip = "知"
	}
	if n.Legacy {
		return fmt.Sprintf("(%d)%s%s%s字第%d号", n.Year, n.Court, ip, n.Type, n.Seq)
	}
	return fmt.Sprintf("(%d)%s%s%s%d号", n.Year, n.Court, ip, n.Type, n.Seq)
}

// typeCode is the type code of a case of kind at instance, and whether the
// specialised-trial code 知 goes before it: IP civil and administrative
// cases carry it; criminal cases never do (plain 刑初, as in (2017)粤0512刑初2号).
func typeCode(kind Kind, instance Instance) (code string, ip bool) {
	suffix := "初"
	if instance == Second {
		suffix = "终"
	}
	switch kind {
	case Criminal:
		return "刑" + suffix, false
	case Administrative:
		return "行" + suffix, true
	default:
		return "民" + suffix, true
	}
}

// nextCourtNumber takes the next number of court for its type code and
// year in tx. The counter row stays locked until the transaction ends, so
// concurrent dockets at one court get consecutive numbers and a
// rolled-back docket leaves no gap. A counter read with BEGIN
// (courtCounter) is taken from and written back with COMMIT; else, the
// court's first number of the kind in the year, it is taken on a round
// trip of its own.
func nextCourtNumber(tx store.Tx, court string, year int, code string, ip bool) (CourtNumber, error) {
	n, err := courtCounters.Next(tx, courtCounterKey, court, counterCode(code, ip), year)
	if err != nil {
		return CourtNumber{}, fmt.Errorf("numbering the case: %w", err)
	}
	return CourtNumber{Year: year, Court: court, IP: ip, Type: code, Seq: n}, nil
}

// courtCounters are the case numbers of each court's type code and year.
var courtCounters = store.Counter{Table: "court_number_counters", Keys: []string{"court", "type_code", "year"}}

// counterCode is the type code a court's counter is kept under: an IP
// case's is its own (知民初, 知行终).
func counterCode(code string, ip bool) string {
	if ip {
		return "知" + code
	}
	return code
}

const courtCounterKey = "trial.court-counter"

// appealCounters reads and locks with BEGIN the counters of court for
// second-instance cases of every kind, for the year of now: an appeal's
// second instance takes its number from one of them (FileAppeal), which
// one depending on the kind of the first instance, read after BEGIN.
func appealCounters(court string, now time.Time) filing.Read {
	var codes []string
	for _, k := range []Kind{Civil, Criminal, Administrative} {
		codes = append(codes, counterCode(typeCode(k, Second)))
	}
	return func(string) (store.First, error) {
		q, err := store.Inline(`SELECT court, type_code, year, last FROM court_number_counters
			WHERE court = ? AND type_code IN ? AND year = ? FOR UPDATE`, court, codes, civil.Today(now).Year)
		return store.First{Key: courtCounterKey, SQL: q, Counter: true}, err
	}
}

// courtCounter reads and locks with BEGIN the counter of the court of a
// trial for the type code and today's year, for nextCourtNumber
// (store.First). A transition that ends up on another day's year (at
// midnight on New Year's Eve) takes its number on a round trip of its
// own.
func courtCounter(code string, ip bool, now time.Time) filing.Read {
	return func(proceedingID string) (store.First, error) {
		q, err := store.Inline(`SELECT c.court, c.type_code, c.year, c.last FROM court_number_counters c
			JOIN trial_cases t ON c.court = t.doc->>'court' AND c.type_code = ? AND c.year = ?
			WHERE t.proceeding_id = ? FOR UPDATE OF c`, counterCode(code, ip), civil.Today(now).Year, proceedingID)
		return store.First{Key: courtCounterKey, SQL: q, Counter: true}, err
	}
}
