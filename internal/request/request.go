// Package request checks what callers send before anything is written: one
// Validator for every service, which collects all the violations of a
// request at once and bounds every string, and the key under which a
// request carrying a request_id is made safe to retry.
package request

import (
	"context"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/logging"
	"github.com/ipcase/ipcase/internal/store"
)

var (
	uuidPattern      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	sha256Pattern    = regexp.MustCompile(`^[0-9a-f]{64}$`)
	mediaTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$`)
)

// IsUUID says whether s is a UUID in the lower-case form ipcase gives out.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// IsSHA256 says whether s is a SHA-256 digest in lower-case hexadecimal.
func IsSHA256(s string) bool { return sha256Pattern.MatchString(s) }

// maxMediaType bounds a media type (RFC 6838 allows 127 + 1 + 127).
const maxMediaType = 255

// Validator collects the field violations of one request. Its methods
// check a field and return its value, so that a request is read and
// checked in one pass; Err reports them all.
type Validator struct{ errs.FieldErrors }

// Text checks a string field: required means not blank; every string is at
// most limit characters and valid UTF-8 (the server's codec turns invalid
// UTF-8 into U+FFFD, so that the field can be named here), and carries no
// control character but tab and line breaks and no bidirectional
// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which
// would make the text display other than it reads. Names and titles use
// Name, which refuses every invisible character.
func (v *Validator) Text(field, s string, required bool, limit int) string {
	v.text(field, s, required, limit, displayTrick, "control characters and bidirectional overrides are not allowed")
	return s
}

// Name checks a name or title a person reads (a file name, a party's
// name, a right's title) as Text does, and refuses every character that is
// invisible or changes how the rest displays: Unicode format characters
// (category Cf: bidirectional marks and overrides, zero-width spaces and
// joiners, the byte order mark, tag characters), control characters (tab
// and line breaks included), line and paragraph separators, private-use
// characters, noncharacters, and the fillers that display as nothing
// (U+115F, U+1160, U+2800, U+3164, U+FFA0, U+034F, U+17B4, U+17B5); and
// a run of more than two spaces of any width, which pushes what follows
// out of sight ("report.pdf          .exe"). So "\u202Efdp.exe", which
// displays as "exe.pdf", is refused.
func (v *Validator) Name(field, s string, required bool, limit int) string {
	before := len(v.Violations)
	v.text(field, s, required, limit, Invisible, "invisible formatting and control characters are not allowed in names and titles")
	if len(v.Violations) == before {
		if i, r := spaceRun(s); i >= 0 {
			v.Add(field, "contains a run of %U at character %d: more than two spaces in a row are not allowed in names and titles", r, i+1)
		}
	}
	return s
}

// spaceRun returns the character index of the first run of more than two
// space characters (category Zs: the space, the em space, the ideographic
// space, …) in s and its first character, or -1.
func spaceRun(s string) (int, rune) {
	run, i := 0, 0
	var first rune
	for _, r := range s {
		switch {
		case !unicode.Is(unicode.Zs, r):
			run = 0
		case run == 0:
			run, first = 1, r
		default:
			if run++; run == 3 {
				return i - 2, first
			}
		}
		i++
	}
	return -1, 0
}

// text checks s and records at most one violation of field: the first of
// blank, too long, invalid UTF-8, or a character bad refuses (why says
// why).
func (v *Validator) text(field, s string, required bool, limit int, bad func(rune) bool, why string) {
	switch n := utf8.RuneCountInString(s); {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "required")
	case n > limit:
		v.Add(field, "too long: %d characters, at most %d", n, limit)
	case strings.ContainsRune(s, utf8.RuneError):
		v.Add(field, "contains invalid UTF-8")
	default:
		if i := strings.IndexFunc(s, bad); i >= 0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			v.Add(field, "contains %U at character %d: %s", r, utf8.RuneCountInString(s[:i])+1, why)
		}
	}
}

// displayTrick reports whether r is refused in any text: a control
// character other than tab, line feed and carriage return, or a
// bidirectional embedding, override or isolate.
func displayTrick(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Invisible reports whether r is refused in a name or title (see Name).
func Invisible(r rune) bool {
	switch {
	case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co):
		return true
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE: // noncharacters
		return true
	}
	switch r {
	case 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0:
		return true
	}
	return false
}

// maxCode bounds an agency or court code.
const maxCode = 32

// Code checks an agency or court code: at most 32 characters, no spaces,
// nothing invisible.
func (v *Validator) Code(field, s string, required bool) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		return v.Name(field, s, required, maxCode)
	}
	v.Text(field, s, required, maxCode)
	v.Add(field, "must not contain spaces")
	return s
}

// Date parses a YYYY-MM-DD field; empty gives def, or the violation
// "required" when def is zero.
func (v *Validator) Date(field, s string, def civil.Date) civil.Date {
	if s == "" {
		if def.IsZero() {
			v.Add(field, "required: a date written YYYY-MM-DD")
		}
		return def
	}
	d, err := civil.Parse(s)
	if err != nil {
		v.badDate(field, s, err)
	}
	return d
}

// badDate adds the violation of a date that did not parse: a day that does
// not exist is said so, since it is written correctly.
func (v *Validator) badDate(field, s string, err error) {
	if civil.NoSuchDay(s) {
		v.Add(field, "%v", err)
		return
	}
	v.Add(field, "must be a date written YYYY-MM-DD, got %q", s)
}

// OptionalDate parses a YYYY-MM-DD field that may be empty (nil).
func (v *Validator) OptionalDate(field, s string) *civil.Date {
	if s == "" {
		return nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		v.badDate(field, s, err)
		return nil
	}
	return &d
}

// Yuan parses a non-negative amount of yuan such as 150000 or 1234.50.
func (v *Validator) Yuan(field, s string, required bool) damages.Fen {
	if s == "" {
		if required {
			v.Add(field, "required: an amount in yuan such as 150000 or 1234.50")
		}
		return 0
	}
	f, err := damages.ParseYuan(s)
	switch {
	case err != nil:
		v.Add(field, "%v", err)
	case f < 0:
		v.Add(field, "must not be negative")
	}
	return f
}

// RequestID checks a request's request_id, which may be empty.
func (v *Validator) RequestID(id string) {
	if id != "" && !logging.ValidRequestID(id) {
		v.Add("request_id", "must be 1–64 characters of letters, digits and . _ : -")
	}
}

// Etag checks that an etag was sent back.
func (v *Validator) Etag(etag string) {
	if etag == "" {
		v.Add("etag", "required: send the etag as last read")
	}
}

// Party parses a `parties/{id}` field and returns the id.
func (v *Validator) Party(field, name string) string {
	id, ok := strings.CutPrefix(name, "parties/")
	if !ok || !IsUUID(id) {
		v.Add(field, "must be a party name, parties/{id}, got %q", name)
	}
	return id
}

// Matter parses a `matters/{id}` field and returns the id.
func (v *Validator) Matter(field, name string) string {
	id, ok := strings.CutPrefix(name, "matters/")
	if !ok || !IsUUID(id) {
		v.Add(field, "must be a matter name, matters/{id}, got %q", name)
	}
	return id
}

// Proceeding parses a `matters/{m}/proceedings/{p}` field and returns the
// two ids.
func (v *Validator) Proceeding(field, name string) (matter, proceeding string) {
	matter, proceeding, ok := SplitProceeding(name)
	if !ok {
		v.Add(field, "must be a proceeding name, matters/{matter}/proceedings/{proceeding}, got %q", name)
	}
	return matter, proceeding
}

// SplitProceeding splits `matters/{m}/proceedings/{p}`; ok is false for
// anything else.
func SplitProceeding(name string) (matter, proceeding string, ok bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "matters" || parts[2] != "proceedings" || !IsUUID(parts[1]) || !IsUUID(parts[3]) {
		return "", "", false
	}
	return parts[1], parts[3], true
}

// SHA256 checks a digest field, accepting upper-case hexadecimal, and
// returns it in lower case.
func (v *Validator) SHA256(field, s string) string {
	d := strings.ToLower(s)
	if !IsSHA256(d) {
		v.Add(field, "must be a SHA-256 digest: 64 hexadecimal characters")
	}
	return d
}

// MediaType checks a `type/subtype` field.
func (v *Validator) MediaType(field, s string, required bool) string {
	switch {
	case s == "" && required:
		v.Add(field, "required")
	case s != "" && (len(s) > maxMediaType || !mediaTypePattern.MatchString(s)):
		v.Add(field, "must be a media type such as application/pdf")
	}
	return s
}

// Count checks the length of a list field against limit.
func (v *Validator) Count(field string, n, limit int) bool {
	if n > limit {
		v.Add(field, "too many: %d, at most %d", n, limit)
		return false
	}
	return true
}

// Identified is a request that carries a request_id.
type Identified interface {
	proto.Message
	GetRequestId() string
}

// Key is the key under which req, received in ctx, is kept for retries: the
// request_id scoped by the method and the caller, so that one caller can
// never replay or read another's response, and the SHA-256 of the request
// without its request_id and its etag, so that the same id with another
// request is refused. The etag is a precondition, not part of the change:
// a retry of a change that was made carries the newer etag a client reads
// before it (the CLI does, when no --etag is given), and gets the first
// answer. A request without a request_id gets the zero key: not kept.
func Key(ctx context.Context, req Identified) (store.IdempotencyKey, error) {
	if req.GetRequestId() == "" {
		return store.IdempotencyKey{}, nil
	}
	c := proto.Clone(req)
	for _, name := range []protoreflect.Name{"request_id", "etag"} {
		if f := c.ProtoReflect().Descriptor().Fields().ByName(name); f != nil {
			c.ProtoReflect().Clear(f)
		}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return store.IdempotencyKey{}, fmt.Errorf("request: hashing: %w", err)
	}
	sum := sha256.Sum256(b)
	method, _ := grpc.Method(ctx)
	p, _ := auth.FromContext(ctx)
	return store.IdempotencyKey{Scope: method + "/" + string(p.Role) + ":" + p.Subject, RequestID: req.GetRequestId(), RequestHash: sum[:]}, nil
}
