// Package similar finds the decided matters comparable to a fine or an
// award being computed (类案检索): same IP type and law version, a base
// within a factor, similar conduct (intent, repeat, seriousness), the same
// region or decider first, and facts alike in their Chinese text (Postgres
// full-text rank over character bigrams, migration 000030) — with their outcomes, the spread of those outcomes
// and a one-line reason for each, reported as the SPC guidance on
// similar-case retrieval asks (最高人民法院《关于统一法律适用加强类案检索的
// 指导意见（试行）》, 2020: why the search was made, item 2; scope, item 4;
// method, item 5; the report, item 8; how cases are used, item 9;
// divergence, item 11; see report.go).
//
// It owns the similar_matters table, fed by the enforcement.decided and
// trial.judgment_effective events (Register); it reads matters through
// filing's Go API inside the consumer's transaction. Finder answers the
// damages server's similar-case questions.
package similar
