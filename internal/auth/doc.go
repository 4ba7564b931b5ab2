// Package auth turns a caller's credentials into a Principal and decides,
// in one table, who may call which method and on which matters.
//
// Officers, mediators, rights holders and administrators present a signed
// bearer token (JWT, EdDSA or ES256) verified against public keys from a
// JWKS file or URL, rotated by key id without restart. Each key signs only
// the roles configured for it (its JWK's "roles", IPCASE_AUTH_KEY_ROLES by
// key id, else IPCASE_AUTH_DEFAULT_KEY_ROLES), and no token may claim to
// live longer than IPCASE_AUTH_MAX_TOKEN_LIFETIME. A token with a "matter"
// claim is a sign-in session: a rights holder's read-only access to that
// one matter, which the sign-in key is limited to. Courts call over
// mutual TLS; the client certificate, signed by the configured court CA,
// names the court in a URI SAN `spiffe://ipcase/court/{code}`.
//
// The policy (policy.go) is deny by default: a method without an entry is
// refused. Handlers that act on a matter ask AuthorizeMatter with the
// matter's scope; a caller who may not act on it is told NOT_FOUND, whatever
// its role, as for a matter that does not exist, so that existence does not
// leak. Agency and court codes are separate namespaces: a forum is compared
// by its kind (Forum) as well as its code.
package auth
