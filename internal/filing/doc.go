// Package filing owns the first link of the chain: complaints, matters,
// parties, IP rights and evidence, and the FILING_REVIEW proceeding that
// accepts a complaint (routing it into enforcement, mediation or trial),
// rejects it, or records its withdrawal.
//
// It does not own what happens after routing: the proceedings it opens are
// worked by their own packages. Every change it makes is written with its
// event (package events) in one transaction.
package filing
