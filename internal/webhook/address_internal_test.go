package webhook

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// TestRefusal classifies addresses as the Control hook and ValidateURL
// see them, in every form that hides an internal IPv4 address in IPv6.
func TestRefusal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr          string
		want, allowed string // without and with AllowLoopback
	}{
		{"8.8.8.8", "", ""},
		{"2400:3200::1", "", ""},
		{"64:ff9b::808:808", "", ""}, // NAT64 of 8.8.8.8
		{"127.0.0.1", "a loopback", ""},
		{"127.255.255.254", "a loopback", ""},
		{"::1", "a loopback", ""},
		{"::ffff:127.0.0.1", "a loopback", ""},
		{"64:ff9b::7f00:1", "a loopback", ""},
		{"::127.0.0.1", "a reserved", "a reserved"},
		{"0.0.0.0", "an unspecified", "an unspecified"},
		{"::", "an unspecified", "an unspecified"},
		{"10.1.2.3", "a private", "a private"},
		{"172.16.0.1", "a private", "a private"},
		{"172.32.0.1", "", ""},
		{"192.168.0.1", "a private", "a private"},
		{"fd00:ec2::254", "a private", "a private"},
		{"::ffff:10.0.0.1", "a private", "a private"},
		{"64:ff9b::a00:1", "a private", "a private"},
		{"169.254.169.254", "a link-local", "a link-local"},
		{"fe80::1", "a link-local", "a link-local"},
		{"fe80::1%eth0", "a scoped", "a scoped"},
		{"100.64.0.1", "a shared (carrier-grade NAT)", "a shared (carrier-grade NAT)"},
		{"100.100.100.200", "a shared (carrier-grade NAT)", "a shared (carrier-grade NAT)"},
		{"224.0.0.251", "a multicast", "a multicast"},
		{"ff02::1", "a multicast", "a multicast"},
		{"ff0e::1", "a multicast", "a multicast"},
		{"255.255.255.255", "a reserved", "a reserved"},
		{"2001::1", "a reserved", "a reserved"}, // Teredo
		{"2002:a00:1::", "a reserved", "a reserved"},
		{"2001:db8::1", "a reserved", "a reserved"},
		{"fec0::1", "a reserved", "a reserved"},
		{"100::1", "a reserved", "a reserved"},
	} {
		a := netip.MustParseAddr(tt.addr)
		if got := (Config{}).refusal(a); got != tt.want {
			t.Errorf("refusal(%s) = %q, want %q", tt.addr, got, tt.want)
		}
		if got := (Config{AllowLoopback: true}).refusal(a); got != tt.allowed {
			t.Errorf("with AllowLoopback, refusal(%s) = %q, want %q", tt.addr, got, tt.allowed)
		}
		err := Config{}.control("tcp6", netip.AddrPortFrom(a, 443).String(), nil)
		if (err == nil) != (tt.want == "") || err != nil && !errors.Is(err, errNotPublic) {
			t.Errorf("control(%s) = %v", tt.addr, err)
		}
	}
	if err := (Config{}).control("udp4", "8.8.8.8:53", nil); !errors.Is(err, errNotPublic) {
		t.Errorf("control over udp: %v, want refused", err)
	}
}

func TestParseIPv4(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1", "127.1": "127.0.0.1", "127.0.1": "127.0.0.1", "2130706433": "127.0.0.1",
		"0x7f000001": "127.0.0.1", "0x7f.0x0.0x0.0x1": "127.0.0.1", "017700000001": "127.0.0.1", "0177.0.0.01": "127.0.0.1",
		"0": "0.0.0.0", "0x": "0.0.0.0", "4294967295": "255.255.255.255", "1.2.65535": "1.2.255.255",
		"4294967296": "", "256.0.0.1": "", "1.2.3.4.5": "", "08.0.0.1": "", "1..2": "", "1.2.3.256": "", "0x1g": "",
	} {
		a, ok := parseIPv4(strings.Split(in, "."))
		if got := a.String(); !ok && want != "" || ok && got != want {
			t.Errorf("parseIPv4(%s) = %s, %v; want %q", in, got, ok, want)
		}
	}
}
