package proceeding

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

var (
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
)

// Validator collects the field violations of a request to a proceedings
// service; every string is bounded and must be valid UTF-8.
type Validator struct{ errs.FieldErrors }

// Text checks a string field and returns it.
func (v *Validator) Text(field, s string, required bool, max int) string {
	switch n := utf8.RuneCountInString(s); {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "required")
	case n > max:
		v.Add(field, "too long: %d characters, at most %d", n, max)
	case strings.ContainsRune(s, utf8.RuneError):
		v.Add(field, "contains invalid UTF-8")
	}
	return s
}

// Code checks an agency or court code.
func (v *Validator) Code(field, s string) string {
	v.Text(field, s, true, 32)
	if strings.ContainsAny(s, " \t\n") {
		v.Add(field, "must not contain spaces")
	}
	return s
}

// Date parses a YYYY-MM-DD field; empty gives def, or "required" when def
// is zero.
func (v *Validator) Date(field, s string, def time.Time) time.Time {
	if s == "" {
		if def.IsZero() {
			v.Add(field, "required: a date written YYYY-MM-DD")
		}
		return def
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.Add(field, "must be a date written YYYY-MM-DD, got %q", s)
	}
	return d
}

// Yuan parses a non-negative amount of yuan.
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

// RequestID checks a request_id.
func (v *Validator) RequestID(id string) {
	if id != "" && !requestIDRE.MatchString(id) {
		v.Add("request_id", "must be 1–64 characters of letters, digits and . _ : -")
	}
}

// Party parses a `parties/{id}` field.
func (v *Validator) Party(field, name string) string {
	id, ok := strings.CutPrefix(name, "parties/")
	if !ok || !uuidRE.MatchString(id) {
		v.Add(field, "must be a party name, parties/{id}, got %q", name)
	}
	return id
}

// Matter parses a `matters/{id}` field.
func (v *Validator) Matter(field, name string) filing.MatterID {
	id, ok := strings.CutPrefix(name, "matters/")
	if !ok || !uuidRE.MatchString(id) {
		v.Add(field, "must be a matter name, matters/{id}, got %q", name)
	}
	return filing.MatterID(id)
}

// ParseName splits `matters/{m}/proceedings/{p}`; both are empty if name
// is not of that form.
func ParseName(name string) (filing.MatterID, filing.ProceedingID) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "matters" || parts[2] != "proceedings" || !uuidRE.MatchString(parts[1]) || !uuidRE.MatchString(parts[3]) {
		return "", ""
	}
	return filing.MatterID(parts[1]), filing.ProceedingID(parts[3])
}

// Name is the resource name of a record.
func Name(m *Meta) string {
	return fmt.Sprintf("matters/%s/proceedings/%s", m.MatterID, m.ProceedingID)
}

// Request is a request that carries a request_id.
type Request interface {
	proto.Message
	GetRequestId() string
}

// Key scopes a request_id by service method and caller, so that one caller
// can never replay, or read, another's response; the request hash excludes
// the request_id itself.
func Key(ctx context.Context, method string, req Request) (store.IdempotencyKey, error) {
	if req.GetRequestId() == "" {
		return store.IdempotencyKey{}, nil
	}
	c := proto.Clone(req)
	c.ProtoReflect().Clear(c.ProtoReflect().Descriptor().Fields().ByName("request_id"))
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return store.IdempotencyKey{}, err
	}
	a := events.ActorFrom(ctx)
	return store.IdempotencyKey{Scope: method + "/" + a.Role + ":" + a.Subject, RequestID: req.GetRequestId(), RequestHash: b}, nil
}

// Versioned is a record with an etag.
type Versioned interface {
	Record
	Etag() string
}

// Change is the shape every change of a record shares: the request's own
// violations (v) and its name, etag and request_id are checked; then, under
// the matter's lock, the caller's access to the matter and the etag; then
// fn runs with the instant and the day (China Standard Time) of the change.
// The response is rendered into resp.
func Change[R Versioned](ctx context.Context, st *Store[R], method string, req Request, name, etag string, v *Validator,
	now time.Time, fn func(tx *Tx[R], at, today time.Time) error, render func(*Tx[R]) ([]byte, error), resp proto.Message) error {
	mid, pid := ParseName(name)
	if mid == "" {
		v.Add("name", "must be a proceeding name, matters/{matter}/proceedings/{proceeding}, got %q", name)
	}
	if etag == "" {
		v.Add("etag", "required: send the etag as last read")
	}
	v.RequestID(req.GetRequestId())
	if err := v.Err(); err != nil {
		return err
	}
	k, err := Key(ctx, method, req)
	if err != nil {
		return err
	}
	at := now.UTC().Truncate(time.Microsecond)
	b, err := st.Change(ctx, k, mid, pid, events.ActorFrom(ctx), at, func(tx *Tx[R]) error {
		// Checked under the lock, before the etag, so that a caller without
		// access learns nothing.
		if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(tx.Matter)); err != nil {
			return err
		}
		if got := tx.Record.Etag(); got != etag {
			return errs.Errorf(errs.Aborted, "etag %s is stale: it is now %s; read it again", etag, got)
		}
		return fn(tx, at, filing.Today(at))
	}, render)
	if err != nil {
		return fmt.Errorf("%s(%s): %w", method[strings.LastIndex(method, "/")+1:], name, err)
	}
	return proto.Unmarshal(b, resp)
}
