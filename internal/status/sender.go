package status

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// A Message is a sign-in link on its way to the party it is for. It holds
// the one-time code: only a Sender sees it, never the official who asked
// for the link.
type Message struct {
	// To is the party's contact as the matter records it: an e-mail
	// address or a telephone number.
	To string
	// Party is the party who signs in, `parties/{party}`, and PartyName
	// its name.
	Party, PartyName string
	// Matter is `matters/{matter}`, MatterNumber its number.
	Matter, MatterNumber string
	// URL is the link to open; empty when the server does not know the
	// status page's address, and then the party enters Code there.
	URL  string
	Code string
	// ExpireTime is when the link stops working.
	ExpireTime time.Time
	// LinkID identifies the link (not secret), for the sender's records.
	LinkID string
}

// A Sender delivers sign-in links to the parties they are for. An e-mail
// or SMS gateway implements it; Outbox is the one for development. Send
// returns once the message is handed over; an error means the link was
// not issued.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Outbox is a Sender that writes each message as a file in a directory
// only its owner may read: for development (scripts/dev.sh reads the
// link from it), or as a spool that a mail or SMS relay of the operator's
// picks up and deletes.
type Outbox struct {
	dir string
}

// OpenOutbox returns an Outbox writing to dir, creating it (mode 0700) if
// missing. It refuses a directory that other users may read or write.
func OpenOutbox(dir string) (*Outbox, error) {
	if dir == "" {
		return nil, errors.New("sign-in outbox: no directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sign-in outbox: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("sign-in outbox: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("sign-in outbox %s is not a directory", dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sign-in outbox %s is open to other users (mode %#o): chmod 700 it", dir, st.Mode().Perm())
	}
	return &Outbox{dir: dir}, nil
}

// Dir is the outbox's directory.
func (o *Outbox) Dir() string { return o.dir }

// Send writes m to a new file, mode 0600, named after the time and the
// link; the file appears whole or not at all.
func (o *Outbox) Send(_ context.Context, m Message) error {
	rnd := make([]byte, 4)
	if _, err := rand.Read(rnd); err != nil {
		return err
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(rnd) + ".txt"
	f, err := os.CreateTemp(o.dir, ".sending-*")
	if err != nil {
		return fmt.Errorf("sign-in outbox: %w", err)
	}
	tmp := f.Name()
	_, werr := f.WriteString(m.text())
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(tmp, filepath.Join(o.dir, name))
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sign-in outbox: %w", werr)
	}
	return nil
}

// text is m as a plain-text message: header lines a script can read
// (Link:, Code:), then the words for the party.
func (m Message) text() string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, oneLine(v))
		}
	}
	line("To", m.To)
	line("Subject", "Sign in to follow matter "+m.MatterNumber)
	line("Party", m.Party)
	line("Matter", m.Matter)
	line("Link", m.URL)
	line("Code", m.Code)
	line("Expires", m.ExpireTime.UTC().Format(time.RFC3339))
	line("Link-Id", m.LinkID)
	b.WriteString("\n")
	fmt.Fprintf(&b, "%s,\n\nfollow matter %s on the status page", oneLine(m.PartyName), oneLine(m.MatterNumber))
	if m.URL != "" {
		fmt.Fprintf(&b, ":\n\n  %s\n\n", m.URL)
	} else {
		fmt.Fprintf(&b, " with this code:\n\n  %s\n\n", m.Code)
	}
	fmt.Fprintf(&b, "The link works once, until %s. It lets you read this matter only; to act\n"+
		"in it, ask the agency for an access token. If you did not expect this\nmessage, ignore it.\n",
		m.ExpireTime.UTC().Format(time.RFC3339))
	return b.String()
}

// oneLine keeps a value from starting a header line of its own.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// Mask shows enough of a contact for an official to know where a link
// went, not enough to read it off: l***@xinghe.example, +86 *** **** 0000.
func Mask(contact string) string {
	contact = strings.TrimSpace(contact)
	if local, domain, ok := strings.Cut(contact, "@"); ok && local != "" {
		r := []rune(local)
		return string(r[0]) + "***@" + domain
	}
	digits := 0
	for _, r := range contact {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	var b strings.Builder
	seen := 0
	for _, r := range contact {
		switch {
		case unicode.IsDigit(r):
			seen++
			if digits-seen < 4 {
				b.WriteRune(r)
			} else {
				b.WriteRune('*')
			}
		case unicode.IsLetter(r):
			b.WriteRune('*')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
