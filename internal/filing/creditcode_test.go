package filing

import (
	"strings"
	"testing"
)

func TestCheckCreditCode(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code    string
		wantErr string
	}{
		// Worked by hand (GB 32100-2015): values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4
		// × weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
		// = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28;
		// 31 − 28 = 3 → check character '3'.
		{"91350100M000100Y43", ""},
		{"91350100M000100Y44", "check character is '4', but the first 17 characters require '3'"},
		// 9,1,3,3,0,1,0,0,M=21,A=10,2,A=10,X=29,Q=24,9,B=11,1 → Σ = 9+3+27+81+0+26+0+0+420+290
		// +50+130+232+576+90+330+28 = 2292; 2292 mod 31 = 29; 31 − 29 = 2 → '2'.
		{"91330100MA2AXQ9B12", ""},
		{"91350100M000100Y4", "must be 18 characters"},
		{"91350100M000100O43", "character 16 ('O') is not allowed"},
		{"91350100m000100Y43", "character 9 ('m') is not allowed"},
	} {
		err := CheckCreditCode(tt.code)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckCreditCode(%s) = %v, want nil", tt.code, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckCreditCode(%s) = %v, want error containing %q", tt.code, err, tt.wantErr)
		}
	}
}

func FuzzCheckCreditCode(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Add("")
	f.Add("９１３５")
	f.Fuzz(func(t *testing.T, code string) {
		if CheckCreditCode(code) == nil && len(code) != 18 {
			t.Errorf("accepted %q of length %d", code, len(code))
		}
	})
}
