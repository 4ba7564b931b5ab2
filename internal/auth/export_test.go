package auth

// RightsHolderMethods lists the methods the policy lets rights holders
// call, for tests that call each of them.
func RightsHolderMethods() []string {
	var out []string
	for m, r := range policy {
		if _, ok := r.roles[RightsHolder]; ok {
			out = append(out, m)
		}
	}
	return out
}

// FullVerifications is how many tokens v verified in full (not from its
// cache).
func FullVerifications(v *Verifier) int64 { return v.verified.Load() }
