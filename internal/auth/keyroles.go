package auth

import (
	"fmt"
	"slices"
	"strings"
)

// SessionKeyRole is the key role of a key that may sign sign-in sessions
// only: rights holders' tokens bound to one matter, read-only (what
// StatusService.RedeemSignInLink mints). The sign-in key gets it and
// nothing else.
const SessionKeyRole = "session"

// defaultKeyRoles are what a key may sign when nothing says otherwise:
// every role a person's token carries, sessions included (a rights_holder
// key may sign the narrower session too).
const defaultKeyRoles = "officer,mediator,rights_holder,admin"

// KeyRolesHelp says how key roles are written, for flags and errors.
const KeyRolesHelp = `roles a key may sign: officer, mediator, rights_holder, admin, or session (a rights holder's read-only sign-in session, which rights_holder includes); "none" for none`

// grant is what one signing key may sign.
type grant struct {
	// roles are the roles of the full tokens it may sign.
	roles []Role
	// sessions: it may sign sign-in sessions (RightsHolder implies it).
	sessions bool
}

// parseGrant reads a list of key role names. An empty list, or "none",
// grants nothing.
func parseGrant(names []string) (grant, error) {
	var g grant
	for _, n := range names {
		switch r := Role(strings.TrimSpace(n)); r {
		case "none", "":
		case SessionKeyRole:
			g.sessions = true
		case Officer, Mediator, RightsHolder, Admin:
			if !slices.Contains(g.roles, r) {
				g.roles = append(g.roles, r)
			}
		default:
			return grant{}, fmt.Errorf("%q is not a key role (%s)", n, KeyRolesHelp)
		}
	}
	return g, nil
}

// permits says whether a key with g may sign a token for p.
func (g grant) permits(p Principal) bool {
	if p.Session() {
		return g.sessions || slices.Contains(g.roles, RightsHolder)
	}
	return slices.Contains(g.roles, p.Role)
}

// String lists g's roles for messages.
func (g grant) String() string {
	var names []string
	for _, r := range g.roles {
		names = append(names, string(r))
	}
	if g.sessions {
		names = append(names, SessionKeyRole)
	}
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ",")
}

// kindOf names what p's token is, for messages: a role, or "session".
func kindOf(p Principal) string {
	if p.Session() {
		return SessionKeyRole
	}
	return string(p.Role)
}

// splitRoles splits "a,b, c" into names.
func splitRoles(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// parseKeyRoles reads IPCASE_AUTH_KEY_ROLES: entries "kid=role,role"
// separated by ";" or newlines.
func parseKeyRoles(s string) (map[string]grant, error) {
	out := map[string]grant{}
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		kid, roles, ok := strings.Cut(entry, "=")
		kid = strings.TrimSpace(kid)
		if !ok || kid == "" {
			return nil, fmt.Errorf("entry %q: want kid=role,role (entries separated by ;)", entry)
		}
		if _, dup := out[kid]; dup {
			return nil, fmt.Errorf("key %q appears twice", kid)
		}
		g, err := parseGrant(splitRoles(roles))
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", kid, err)
		}
		out[kid] = g
	}
	return out, nil
}

// CheckKeyRoles says whether names are valid key roles, for `ipcased
// token keygen --roles`.
func CheckKeyRoles(names []string) error {
	_, err := parseGrant(names)
	return err
}
