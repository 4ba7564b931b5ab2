package publication

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// Store reads and writes published_documents, which publication owns.
type Store struct{ db *store.DB }

// NewStore returns the store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

const columns = `id, matter_id, event_seq, event_type, kind, subject, number, issuer, decided_on, effective_on, parties,
	organisations, ip_types, body, redactions, withheld_reason, publish_due, publish_rule, publish_time`

// selected are the columns as read: the arrays as JSON.
const selected = `id, matter_id, event_seq, event_type, kind, subject, number, issuer, decided_on, effective_on, parties,
	array_to_json(ip_types)::text AS ip_types, body, redactions, withheld_reason, publish_due, publish_rule, publish_time`

type row struct {
	ID             string
	MatterID       string
	EventSeq       int64
	EventType      string
	Kind           string
	Subject        string
	Number         string
	Issuer         string
	DecidedOn      time.Time
	EffectiveOn    *time.Time
	Parties        []byte
	IPTypes        string `gorm:"column:ip_types"`
	Body           string
	Redactions     []byte
	WithheldReason string
	PublishDue     *time.Time
	PublishRule    string
	PublishTime    time.Time
}

func dateTime(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func civilOf(t *time.Time) *civil.Date {
	if t == nil {
		return nil
	}
	d := civil.Of(*t)
	return &d
}

// insert publishes d in tx; a document already published for the same
// event, kind and subject is left as it is.
func insert(tx store.Tx, d *Document) error {
	parties, err := json.Marshal(nonNil(d.Parties))
	if err != nil {
		return err
	}
	redactions, err := json.Marshal(nonNil(d.Redactions))
	if err != nil {
		return err
	}
	orgs, err := json.Marshal(nonNil(d.Organisations()))
	if err != nil {
		return err
	}
	types, err := json.Marshal(nonNil(d.IPTypes))
	if err != nil {
		return err
	}
	var eff, due *time.Time
	if d.EffectiveOn != nil {
		t := dateTime(*d.EffectiveOn)
		eff = &t
	}
	if d.PublishDue != nil {
		t := dateTime(*d.PublishDue)
		due = &t
	}
	d.ID = uuid.NewString()
	err = tx.Gorm().Exec(`INSERT INTO published_documents (`+columns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)),
			ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?::jsonb, ?, ?, ?, ?)
		ON CONFLICT (matter_id, event_seq, kind, subject) DO NOTHING`,
		d.ID, d.MatterID, d.EventSeq, string(d.EventType), string(d.Kind), d.Subject, d.Number, d.Issuer, dateTime(d.DecidedOn), eff,
		string(parties), string(orgs), string(types), d.Text, string(redactions),
		d.Withheld, due, d.PublishRule, d.PublishTime).Error
	if err != nil {
		return fmt.Errorf("publishing %s %s of matter %s: %w", d.Kind, d.Number, d.MatterID, store.Translate(err))
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (r row) document() (*Document, error) {
	d := &Document{ID: r.ID, MatterID: r.MatterID, EventSeq: r.EventSeq, EventType: events.Type(r.EventType), Kind: Kind(r.Kind),
		Subject: r.Subject, Number: r.Number, Issuer: r.Issuer, DecidedOn: civil.Of(r.DecidedOn), EffectiveOn: civilOf(r.EffectiveOn),
		Text: r.Body, Withheld: r.WithheldReason, PublishDue: civilOf(r.PublishDue), PublishRule: r.PublishRule,
		PublishTime: r.PublishTime}
	if err := json.Unmarshal([]byte(r.IPTypes), &d.IPTypes); err != nil {
		return nil, fmt.Errorf("IP types of published document %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Parties, &d.Parties); err != nil {
		return nil, fmt.Errorf("parties of published document %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Redactions, &d.Redactions); err != nil {
		return nil, fmt.Errorf("redactions of published document %s: %w", r.ID, err)
	}
	return d, nil
}

// Get returns the published document id. It returns an error wrapping
// errs.NotFound if there is none.
func (s *Store) Get(ctx context.Context, id string) (*Document, error) {
	if uuid.Validate(id) != nil {
		return nil, errs.Errorf(errs.NotFound, "published document not found")
	}
	var rows []row
	if err := s.db.Session(ctx).Gorm().Raw(`SELECT `+selected+` FROM published_documents WHERE id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err)
	}
	if len(rows) == 0 {
		return nil, errs.Errorf(errs.NotFound, "published document not found")
	}
	return rows[0].document()
}

// Filter selects published documents; zero fields select all.
type Filter struct {
	Number, Party, IPType, Issuer string
	Kind                          Kind
	MatterID                      string
	From, To                      *civil.Date
}

// Cursor is where a page ends: the last document's publication time and
// id, newest first.
type Cursor struct {
	Time time.Time
	ID   string
}

// Token encodes c for a page token.
func (c Cursor) Token() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.Time.UTC().Format(time.RFC3339Nano) + "|" + c.ID))
}

// ParseCursor decodes a page token. It returns an error wrapping
// errs.InvalidArgument for a token no page gave.
func ParseCursor(token string) (*Cursor, error) {
	if token == "" {
		return nil, nil
	}
	bad := errs.Field("page_token", "is not a token a previous page returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, bad
	}
	ts, id, ok := strings.Cut(string(b), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || uuid.Validate(id) != nil {
		return nil, bad
	}
	return &Cursor{Time: t, ID: id}, nil
}

// List returns up to limit documents f selects, newest first, after c (nil:
// from the newest), and the cursor of the next page (nil on the last).
func (s *Store) List(ctx context.Context, f Filter, c *Cursor, limit int) ([]*Document, *Cursor, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if f.Number != "" {
		add("number = ?", f.Number)
	}
	if f.Party != "" {
		add("organisations @> ARRAY[?]::text[]", f.Party)
	}
	if f.IPType != "" {
		add("ip_types @> ARRAY[?]::text[]", f.IPType)
	}
	if f.Issuer != "" {
		add("issuer = ?", f.Issuer)
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.MatterID != "" {
		add("matter_id = ?", f.MatterID)
	}
	if f.From != nil {
		add("decided_on >= ?", dateTime(*f.From))
	}
	if f.To != nil {
		add("decided_on <= ?", dateTime(*f.To))
	}
	if c != nil {
		add("(publish_time, id) < (?, ?)", c.Time, c.ID)
	}
	q := `SELECT ` + selected + ` FROM published_documents`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY publish_time DESC, id DESC LIMIT ?`
	var rows []row
	if err := s.db.Session(ctx).Gorm().Raw(q, append(args, limit+1)...).Scan(&rows).Error; err != nil {
		return nil, nil, store.Translate(err)
	}
	var next *Cursor
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &Cursor{Time: last.PublishTime, ID: last.ID}
	}
	docs := make([]*Document, 0, len(rows))
	for _, r := range rows {
		d, err := r.document()
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, d)
	}
	return docs, next, nil
}
