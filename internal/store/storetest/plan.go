package storetest

import (
	"encoding/json"
	"testing"

	"github.com/ipcase/ipcase/internal/store"
)

// PlanNode is a node of a query plan as EXPLAIN (FORMAT JSON) prints it,
// for tests of a statement's plan.
type PlanNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Cond     string     `json:"Index Cond"`
	Plans    []PlanNode `json:"Plans"`
}

// Explain returns the plan of q run with args on db, and the JSON it was
// read from, for failure messages.
func Explain(t testing.TB, db *store.DB, q string, args ...any) (*PlanNode, []byte) {
	t.Helper()
	var out []byte
	if err := db.Session(t.Context()).Gorm().Raw("EXPLAIN (FORMAT JSON) "+q, args...).Row().Scan(&out); err != nil {
		t.Fatalf("EXPLAIN: %v\n%s", err, q)
	}
	return ParsePlan(t, out), out
}

// ParsePlan reads what EXPLAIN (FORMAT JSON) printed.
func ParsePlan(t testing.TB, out []byte) *PlanNode {
	t.Helper()
	var plan []struct {
		Plan PlanNode `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plan); err != nil || len(plan) != 1 {
		t.Fatalf("reading a plan: %v\n%s", err, out)
	}
	return &plan[0].Plan
}

// Walk calls visit on n and on every node under it, depth first, with the
// nodes above it, the nearest last. visit must not keep above.
func (n *PlanNode) Walk(visit func(n *PlanNode, above []*PlanNode)) {
	var walk func(n *PlanNode, above []*PlanNode)
	walk = func(n *PlanNode, above []*PlanNode) {
		visit(n, above)
		above = append(above, n)
		for i := range n.Plans {
			walk(&n.Plans[i], above)
		}
	}
	walk(n, nil)
}
