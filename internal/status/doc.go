// Package status tells the people in a matter where it stands, and lets a
// complainant onto the status page: ipcasev1.StatusService.
//
// GetMatterStatus reads the matter through the filing service, in process,
// so the access policy, the public projection and the read audit are the
// filing service's own; it adds what is due next. Sign-in links are one-time
// codes an officer issues for a matter's complainant: only the code's
// SHA-256 is stored, and redeeming it once, before it expires, mints a
// short-lived rights holder's token signed with the server's sign-in key,
// whose public half the operator publishes in the JWKS that ipcased trusts.
//
// It owns the signin_links table.
package status
