package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The shapes of realistic data shared by the seeder and the load generator,
// so that a submit under load looks like the matters already in the store.

// agencies are the administrative bodies complaints are filed with, by
// weight: market regulators get most trademark work, the patent office
// the patents, copyright bureaus the rest.
var agencies = weighted{
	{"SAMR-HZ", 18}, {"SAMR-SZ", 16}, {"SAMR-SH", 14}, {"SAMR-BJ", 12}, {"SAMR-GZ", 10},
	{"CNIPA-SH", 8}, {"CNIPA-BJ", 7}, {"NCAC-FJ", 5}, {"NCAC-BJ", 5}, {"SAMR-CD", 3}, {"SAMR-WH", 2},
}

// courts are the IP courts and tribunals trials go to.
var courts = weighted{
	{"京73", 25}, {"沪73", 20}, {"粤73", 20}, {"苏01", 10}, {"浙01", 10}, {"川01", 5}, {"鄂01", 5}, {"最高法知", 5},
}

// ipTypes are the rights in dispute, by weight, with whether they are
// registered (carry a registration number).
var ipTypes = weighted{
	{"TRADEMARK", 45}, {"COPYRIGHT", 20}, {"PATENT_INVENTION", 10}, {"PATENT_UTILITY_MODEL", 8},
	{"PATENT_DESIGN", 8}, {"TRADE_SECRET", 4}, {"GEOGRAPHICAL_INDICATION", 2}, {"PLANT_VARIETY", 2}, {"IC_LAYOUT_DESIGN", 1},
}

func registered(ipType string) bool { return ipType != "COPYRIGHT" && ipType != "TRADE_SECRET" }

// matterStates are where seeded matters stand: most were accepted long
// ago, a few await review.
var matterStates = weighted{
	{"SUBMITTED", 8}, {"ACCEPTED", 55}, {"REJECTED", 12}, {"WITHDRAWN", 5}, {"CLOSED", 20},
}

// routes are where accepted complaints went.
var routes = weighted{{"ENFORCEMENT", 60}, {"MEDIATION", 15}, {"TRIAL", 25}}

type weighted []struct {
	v string
	w int
}

func (ws weighted) pick(r *rand.Rand) string {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[len(ws)-1].v
}

// creditCodeAlphabet and creditCodeWeights are GB 32100-2015's, as in
// internal/filing (unexported there).
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCode returns a valid unified social credit code made of a
// two-digit namespace and n, so that different n (and namespaces) never
// give the same code.
func creditCode(namespace string, n uint64) string {
	var b [18]byte
	copy(b[:], namespace)
	for i := 16; i >= len(namespace); i-- {
		b[i] = creditCodeAlphabet[n%31]
		n /= 31
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCodeAlphabet, b[i]) * creditCodeWeights[i]
	}
	b[17] = creditCodeAlphabet[(31-sum%31)%31]
	return string(b[:])
}

// Namespaces of credit codes: the rights holders' pool (complainants, who
// file again and again), the repeat infringers' pool, respondents first
// seen in a seeded matter, and respondents first seen under load.
const (
	nsHolder    = "91"
	nsRepeat    = "92"
	nsSeeded    = "93"
	nsSubmitted = "94"
)

// holderPool is how many rights holders file complaints; who files is
// Zipf-distributed over them, so holder 0 (the one whose token the status
// benchmark uses) files the most.
const holderPool = 5000

func holderName(i uint64) string     { return fmt.Sprintf("品牌权利人%04d有限公司", i) }
func respondentName(i uint64) string { return fmt.Sprintf("涉嫌侵权经营者%08d", i) }

// facts is a complaint's statement of facts, about the length real ones
// have (a few hundred characters).
func facts(r *rand.Rand, ipType string) string {
	return fmt.Sprintf("投诉人系%s权利人。经调查，被投诉人在其经营的网店及线下门店中销售带有与投诉人%s相同或近似标识的商品，"+
		"共发现涉嫌侵权商品%d件，销售金额约人民币%d元。投诉人已于%d年对上述商品进行公证购买，取得公证书及实物样品。"+
		"被投诉人的行为容易导致相关公众混淆，严重损害了投诉人的合法权益，请求依法查处，责令停止侵权，没收侵权商品并处以罚款。",
		ipType, ipType, 10+r.IntN(5000), 1000+r.IntN(2_000_000), 2018+r.IntN(8))
}

const claims = "请求责令被投诉人立即停止侵权行为，没收、销毁侵权商品及专门用于制造侵权商品的工具，并依法处以罚款。"
