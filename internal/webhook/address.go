package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// Webhooks reach only public unicast addresses, so that a rights holder
// cannot make ipcased connect to itself, its database, a cloud metadata
// endpoint or anything else inside the deployment, nor learn from the
// delivery log which internal ports answer. The host of a URL is checked
// when the webhook is created (literal addresses, in every numeric form a
// resolver accepts, and names that are internal by definition), and every
// address the dispatcher connects to is checked again after DNS
// resolution, in the dialer's Control hook, before the connection is
// attempted: a name that resolves inward, now or later, is refused too.

// errNotPublic is the cause of a refused connection.
var errNotPublic = errors.New("webhook: address is not public")

// blocked4 are the IPv4 ranges that are not globally reachable unicast
// (IANA special-purpose registry), with the reason given to the caller.
var blocked4 = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a reserved"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a reserved"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a reserved"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a reserved"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved"}, // and 255.255.255.255
}

var (
	// global6 is IPv6 global unicast; everything outside it is refused,
	// apart from the NAT64 prefix, whose embedded IPv4 address decides.
	global6 = netip.MustParsePrefix("2000::/3")
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	// blocked6 are the special-purpose ranges inside 2000::/3.
	blocked6 = []netip.Prefix{
		netip.MustParsePrefix("2001::/23"),     // IETF protocol assignments, Teredo
		netip.MustParsePrefix("2001:db8::/32"), // documentation
		netip.MustParsePrefix("2002::/16"),     // 6to4, which embeds any IPv4 address
		netip.MustParsePrefix("3fff::/20"),     // documentation
	}
)

// refusal says why a is an address webhooks must not reach ("a loopback"),
// or returns "" if they may. Loopback is allowed only with AllowLoopback.
func (c Config) refusal(a netip.Addr) string {
	if a.Zone() != "" {
		return "a scoped"
	}
	a = a.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	if c.AllowLoopback && a.IsLoopback() {
		return ""
	}
	if a.Is4() {
		for _, b := range blocked4 {
			if b.prefix.Contains(a) {
				return b.why
			}
		}
		return ""
	}
	switch {
	case a.IsUnspecified():
		return "an unspecified"
	case a.IsLoopback():
		return "a loopback"
	case a.IsMulticast():
		return "a multicast"
	case a.IsLinkLocalUnicast():
		return "a link-local"
	case a.IsPrivate():
		return "a private"
	case !global6.Contains(a):
		return "a reserved"
	}
	for _, p := range blocked6 {
		if p.Contains(a) {
			return "a reserved"
		}
	}
	return ""
}

// control is the dispatcher's net.Dialer Control hook: it runs for each
// resolved address before connect(2), and refuses any that is not public.
func (c Config) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %s", errNotPublic, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q is not an address", errNotPublic, address)
	}
	if why := c.refusal(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s address", errNotPublic, ap.Addr(), why)
	}
	return nil
}

// internalSuffixes are names that never denote a public host: RFC 6761's
// localhost, mDNS's .local, names reserved for private use (RFC 8375,
// ICANN's .internal) and ones ICANN will not delegate because private
// networks use them.
var internalSuffixes = []string{"localhost", "local", "internal", "home.arpa", "localdomain", "lan", "home", "corp", "intranet", "private"}

// checkHost checks the host of a webhook URL without resolving it (a
// lookup would tell the caller about our DNS, and its answer could change
// before delivery anyway). host is url.URL.Hostname(); bracketed says it
// was an IP literal. It returns the host to store, as it is written in a
// URL, or why the host is refused.
func (c Config) checkHost(host string, bracketed bool) (string, string) {
	if bracketed {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() {
			return "", "must have a valid IPv6 address in brackets"
		}
		if why := c.refusal(a); why != "" {
			return "", "must not point to " + why + " address"
		}
		if a.Is4In6() {
			return a.Unmap().String(), ""
		}
		return "[" + a.String() + "]", ""
	}
	for i := range len(host) {
		if host[i] >= 0x80 {
			return "", "host must be ASCII: give an internationalized domain name in its xn-- form"
		}
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	labels := strings.Split(h, ".")
	// As browsers do (WHATWG URL, "ends in a number"): a host whose last
	// label is a number is an IPv4 address in one of the forms resolvers
	// accept (127.1, 0x7f000001, 017700000001, 2130706433), or invalid.
	if last := labels[len(labels)-1]; isDecimal(last) || isHex(last) {
		a, ok := parseIPv4(labels)
		if !ok {
			return "", "host must be a domain name or an IPv4 address"
		}
		if why := c.refusal(a); why != "" {
			return "", "must not point to " + why + " address"
		}
		return a.String(), ""
	}
	if len(h) > 253 {
		return "", "host must be at most 253 characters"
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", "host must be a domain name of letters, digits and hyphens"
		}
	}
	if c.AllowLoopback && (h == "localhost" || strings.HasSuffix(h, ".localhost")) {
		return h, ""
	}
	for _, s := range internalSuffixes {
		if h == s || strings.HasSuffix(h, "."+s) {
			return "", "must not point to an internal name (" + s + ")"
		}
	}
	if len(labels) < 2 {
		return "", "host must be a fully qualified domain name"
	}
	return h, ""
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := range len(l) {
		b := l[i]
		if (b < 'a' || b > 'z') && (b < '0' || b > '9') && b != '-' {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isHex reports whether s is 0x and hexadecimal digits (possibly none).
func isHex(s string) bool {
	if !strings.HasPrefix(s, "0x") {
		return false
	}
	for i := 2; i < len(s); i++ {
		b := s[i]
		if (b < '0' || b > '9') && (b < 'a' || b > 'f') {
			return false
		}
	}
	return true
}

// parseIPv4 parses labels as inet_aton(3) does: one to four parts, each
// decimal, octal (leading 0) or hexadecimal (0x), the last filling the
// remaining bytes.
func parseIPv4(labels []string) (netip.Addr, bool) {
	if len(labels) > 4 {
		return netip.Addr{}, false
	}
	parts := make([]uint64, len(labels))
	for i, l := range labels {
		var err error
		switch {
		case l == "0x": // 0, as in inet_aton
		case isHex(l):
			parts[i], err = strconv.ParseUint(l[2:], 16, 32)
		case len(l) > 1 && l[0] == '0':
			parts[i], err = strconv.ParseUint(l[1:], 8, 32)
		default:
			parts[i], err = strconv.ParseUint(l, 10, 32)
		}
		if err != nil {
			return netip.Addr{}, false
		}
	}
	var v uint64
	for _, p := range parts[:len(parts)-1] {
		if p > 0xff {
			return netip.Addr{}, false
		}
		v = v<<8 | p
	}
	rest := 8 * (4 - (len(parts) - 1))
	last := parts[len(parts)-1]
	if last >= 1<<rest {
		return netip.Addr{}, false
	}
	v = v<<rest | last
	return netip.AddrFrom4([4]byte{byte(v >> 24 & 0xff), byte(v >> 16 & 0xff), byte(v >> 8 & 0xff), byte(v & 0xff)}), true
}
