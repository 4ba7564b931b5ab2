// Package publication publishes, on their own events, the documents the law
// makes public, redacted by rule: administrative penalty decisions
// (市场监督管理行政处罚信息公示规定, SAMR Order No. 45 of 2021, Arts. 2, 9),
// effective civil judgments (最高人民法院关于人民法院在互联网公布裁判文书的规定,
// 法释〔2016〕19号, Arts. 3, 7), the notice that stands in for a confirmation
// ruling, which is not published (ibid. Arts. 4(3), 6), and the infringement
// (credit) records kept under a market entity's name (SAMR Order No. 45
// Art. 2 ¶3).
//
// It owns the published_documents table. It reads matters through filing's
// Go API inside the consumer's transaction and never writes another
// package's tables. Redact is pure: it takes a document's structure (its
// parties, its text, the trade secret's technical content) and returns what
// may be published, with the rules it applied and their articles.
package publication
