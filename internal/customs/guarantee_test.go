package customs_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/damages"
)

// TestGuarantees checks the guarantees and the fine ceiling against
// figures worked by hand:
//   - on application, the goods' value (Regulations on Customs Protection
//     of IPR Art. 14; GAC Implementing Measures Art. 15);
//   - ex officio (GAC Implementing Measures Art. 23): less than 20,000
//     yuan ("不足"), the value; 20,000 to 200,000 yuan (both included),
//     50 % but at least 20,000; more than 200,000 ("超过"), 100,000.
//     30,000 × 50 % = 15,000 < 20,000 → 20,000; 150,000 × 50 % = 75,000;
//     200,000 × 50 % = 100,000; 200,000.01 → 100,000 flat;
//     40,000.01 × 50 % = 20,000.005 → 20,000.01 (half a fen rounds up);
//   - the fine, at most 30 % of the value (Customs Administrative Penalty
//     Implementing Regulations Art. 25): 150,000 → 45,000; 0.10 → 0.03;
//     0.05 yuan → 0.015 → 0.01 (rounded down: a fine may not exceed it).
func TestGuarantees(t *testing.T) {
	t.Parallel()
	fen := func(s string) damages.Fen {
		f, err := damages.ParseYuan(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, tt := range []struct{ value, application, exOfficio, fine string }{
		{"19999.99", "19999.99", "19999.99", "5999.99"},
		{"20000", "20000.00", "20000.00", "6000.00"},
		{"30000", "30000.00", "20000.00", "9000.00"},
		{"40000.01", "40000.01", "20000.01", "12000.00"},
		{"150000", "150000.00", "75000.00", "45000.00"},
		{"200000", "200000.00", "100000.00", "60000.00"},
		{"200000.01", "200000.01", "100000.00", "60000.00"},
		{"0.05", "0.05", "0.05", "0.01"},
	} {
		v := fen(tt.value)
		if got := customs.ApplicationGuarantee(v).Required.String(); got != tt.application {
			t.Errorf("on application, goods worth %s: %s, want %s", tt.value, got, tt.application)
		}
		if got := customs.ExOfficioGuarantee(v).Required.String(); got != tt.exOfficio {
			t.Errorf("ex officio, goods worth %s: %s, want %s", tt.value, got, tt.exOfficio)
		}
		if got := customs.FineCeiling(v).String(); got != tt.fine {
			t.Errorf("fine ceiling for goods worth %s: %s, want %s", tt.value, got, tt.fine)
		}
	}
}
