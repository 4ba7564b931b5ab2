// Package status tells the people in a matter where it stands, and lets a
// complainant onto the status page: ipcasev1.StatusService.
//
// GetMatterStatus reads the matter through the filing service, in process,
// so the access policy, the public projection and the read audit are the
// filing service's own; it adds what is due next. Sign-in links are one-time
// codes an officer has sent to a matter's complainant, at the contact the
// matter records, through a Sender (Outbox in development): the officer
// learns where the link went, never its code. Only the code's SHA-256 is
// stored, and redeeming it once, before it expires, mints a short-lived
// sign-in session — a rights holder's token bound to that matter and
// read-only — signed with the server's sign-in key, whose public half the
// operator publishes in the JWKS that ipcased trusts, limited to sessions.
//
// It owns the signin_links table.
package status
