package gateway

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/ipcase/ipcase/internal/civil"
)

// format is how the page shows a payload field of an event.
type format int

const (
	asCode     format = iota + 1 // a code or number as written: SAMR-HZ, 京73, (2026)京73知民初1号, 10
	asText                       // free text an official wrote, shown as written
	asDate                       // YYYY-MM-DD: 2026-12-03 / 2026年12月3日
	asYuan                       // an amount in yuan, "12345.00": ¥12,345.00 / 12,345.00 元
	asBool                       // yes / no, 是 / 否
	asFlag                       // shown as yes / 是 only when true: a "no" would tell the holder nothing
	asKind                       // a proceeding kind: ENFORCEMENT → Administrative enforcement
	asState                      // a proceeding state: OPENED → case opened
	asTarget                     // where a case was transferred: COURT, POLICE
	asDeadline                   // a clock's kind: enforcement.decision
)

// shownFields is the allow-list of the payload fields the page shows, by
// their JSON name, with how each reads; each has a label "field.<name>".
// A field not listed here is omitted, whatever the event carries: the
// page never shows a raw key or value it does not know how to read.
var shownFields = map[string]format{
	"number":                 asCode,
	"agency":                 asCode,
	"forum":                  asCode,
	"court":                  asCode,
	"courtNumber":            asCode,
	"recipient":              asCode,
	"route":                  asKind,
	"kind":                   asKind, // proceeding.opened; deadline events read theirs as asDeadline (fieldFormat)
	"state":                  asState,
	"target":                 asTarget,
	"reason":                 asText,
	"injunction":             asText,
	"confiscation":           asText,
	"office":                 asCode,
	"openedOn":               asDate,
	"notifiedOn":             asDate,
	"replyDue":               asDate,
	"detainedOn":             asDate,
	"courtNoticeDue":         asDate,
	"investigationDue":       asDate,
	"receivedOn":             asDate,
	"guarantee":              asYuan,
	"decisionDue":            asDate,
	"decidedOn":              asDate,
	"transferredOn":          asDate,
	"effectiveOn":            asDate,
	"confirmationDue":        asDate,
	"appliedOn":              asDate,
	"docketedOn":             asDate,
	"declinedOn":             asDate,
	"judgedOn":               asDate,
	"confirmedOn":            asDate,
	"refusedOn":              asDate,
	"on":                     asDate,
	"due":                    asDate,
	"fine":                   asYuan,
	"payment":                asYuan,
	"damages":                asYuan,
	"costs":                  asYuan,
	"decisionDueProvisional": asFlag,
	"ruling":                 asFlag,
	"infringementFound":      asBool,
	"settled":                asBool,
	"institution":            asText,
	"question":               asText,
	"sentOn":                 asDate,
	"reportNumber":           asCode,
	"qualification":          asText,
	"conclusion":             asText,
	"daysNotCounted":         asCode,
	"signedBy":               asText,
	"signedOn":               asDate,
	"counterfeitItems":       asCode,
}

// fieldFormat is how field name of an event of type typ reads, and
// whether it is shown at all.
func fieldFormat(typ, name string) (format, bool) {
	if name == "kind" && strings.HasPrefix(typ, "deadline.") {
		return asDeadline, true
	}
	f, ok := shownFields[name]
	return f, ok
}

// fieldText is value v of a field that reads as f, in lang; "" when v is
// empty or not what f expects (the field is then left out).
func fieldText(lang string, f format, v *structpb.Value) string {
	switch f {
	case asBool, asFlag:
		b, ok := v.GetKind().(*structpb.Value_BoolValue)
		if !ok || f == asFlag && !b.BoolValue {
			return ""
		}
		return translate(lang, "bool."+strconv.FormatBool(b.BoolValue))
	case asCode, asText:
		if n, ok := v.GetKind().(*structpb.Value_NumberValue); ok && f == asCode {
			return strconv.FormatFloat(n.NumberValue, 'f', -1, 64) // a count: daysNotCounted
		}
		return strings.TrimSpace(v.GetStringValue())
	case asDate:
		return dateText(lang, v.GetStringValue())
	case asYuan:
		return yuanText(lang, v.GetStringValue())
	case asKind:
		return labelOf(lang, "kind.PROCEEDING_KIND_", v.GetStringValue())
	case asState:
		return labelOf(lang, "state.PROCEEDING_STATE_", v.GetStringValue())
	case asTarget:
		return labelOf(lang, "target.", v.GetStringValue())
	case asDeadline:
		return labelOf(lang, "deadline.", v.GetStringValue())
	}
	return ""
}

// labelOf translates the code s under prefix; "" for a code without a
// label, which is left out rather than shown raw.
func labelOf(lang, prefix, s string) string {
	if _, ok := messages[prefix+s]; !ok || s == "" {
		return ""
	}
	return translate(lang, prefix+s)
}

// dateText shows a civil date: 2026-12-03 in English, 2026年12月3日 in
// Chinese; "" if s is no date.
func dateText(lang, s string) string {
	d, err := civil.Parse(s)
	if err != nil {
		return ""
	}
	if lang == langZH {
		return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
	}
	return d.String()
}

// yuanText shows an amount in yuan ("12345.00", as events and the API
// write them) with thousands separators: ¥12,345.00 in English,
// 12,345.00 元 in Chinese; "" if s is no amount.
func yuanText(lang, s string) string {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return ""
	}
	frac = (frac + "00")[:2]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	n := b.String() + "." + frac
	if neg {
		n = "-" + n
	}
	if lang == langZH {
		return n + " 元"
	}
	return "¥" + n
}
