// Package auth turns a caller's credentials into a Principal and decides,
// in one table, who may call which method and on which matters.
//
// Officers, mediators, rights holders and administrators present a signed
// bearer token (JWT, EdDSA or ES256) verified against public keys from a
// JWKS file or URL, rotated by key id without restart. Courts call over
// mutual TLS; the client certificate, signed by the configured court CA,
// names the court in a URI SAN `spiffe://ipcase/court/{code}`.
//
// The policy (policy.go) is deny by default: a method without an entry is
// refused. Handlers that act on a matter ask AuthorizeMatter with the
// matter's scope; a rights holder who is not a party is told NOT_FOUND so
// that existence does not leak.
package auth
