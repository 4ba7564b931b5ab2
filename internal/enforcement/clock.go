package enforcement

// Deadline kinds the enforcement cases keep (package clock).
const (
	KindDecision  = "enforcement.decision"
	KindStatement = "enforcement.statement_window"
	KindPayment   = "enforcement.fine_payment"
)
