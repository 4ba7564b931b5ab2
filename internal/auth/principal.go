package auth

import (
	"context"
	"slices"
)

// Role is what a caller is.
type Role string

// Roles.
const (
	Officer      Role = "officer"
	Mediator     Role = "mediator"
	RightsHolder Role = "rights_holder"
	Admin        Role = "admin"
	Court        Role = "court"
)

// Principal is an authenticated caller.
type Principal struct {
	// Subject identifies the caller: the token's sub, or the court's
	// certificate identity.
	Subject string
	Role    Role
	// Agency is the agency code of an officer or mediator.
	Agency string
	// Court is the court code of a court.
	Court string
	// Parties are the party ids (UUIDs) a rights holder acts for.
	Parties []string
	// Matter, when set, makes p a sign-in session: a rights holder bound to
	// that one matter (its id), which it may read and nothing more. Sign-in
	// links mint such sessions; a rights holder's full token has none.
	Matter string
}

// Session says whether p is a sign-in session, bound to p.Matter and
// read-only.
func (p Principal) Session() bool { return p.Matter != "" }

// Org is the agency or court code of p, if it has one.
func (p Principal) Org() string {
	if p.Court != "" {
		return p.Court
	}
	return p.Agency
}

// Official says whether p acts for the state (reads by officials are logged).
func (p Principal) Official() bool { return p.Role != RightsHolder }

// ActsFor says whether p is a rights holder acting for party id.
func (p Principal) ActsFor(party string) bool {
	return p.Role == RightsHolder && slices.Contains(p.Parties, party)
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of ctx; ok is false for calls that
// need none (public methods).
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
