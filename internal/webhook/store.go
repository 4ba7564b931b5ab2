package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
)

// Delivery states.
const (
	StatePending   = "PENDING"
	StateDelivered = "DELIVERED"
	StateFailed    = "FAILED"
)

// lastErrorDeleted is the last_error of the deliveries a deletion failed.
const lastErrorDeleted = "webhook deleted"

// Webhook is a registered receiver.
type Webhook struct {
	ID         string
	Owner      string
	Parties    []string
	URL        string
	CreateTime time.Time
}

// Delivery is one event enqueued for one webhook: a row of the log.
type Delivery struct {
	ID             string
	WebhookID      string
	MatterID       string
	Position       int64
	EventSeq       int64
	State          string
	Attempts       int32
	LastStatusCode int32
	LastError      string
	NextAttemptAt  time.Time
	DeliveredAt    *time.Time
}

// Store keeps webhooks and their deliveries.
type Store struct {
	db *store.DB
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store {
	if db == nil {
		panic("webhook.NewStore: nil db")
	}
	return &Store{db: db}
}

type webhookRow struct {
	ID           string
	OwnerSubject string
	Parties      string // comma-separated, from array_to_string
	URL          string
	CreateTime   time.Time
}

func (r webhookRow) webhook() Webhook {
	return Webhook{ID: r.ID, Owner: r.OwnerSubject, Parties: strings.Split(r.Parties, ","), URL: r.URL, CreateTime: r.CreateTime.UTC()}
}

const webhookCols = `id::text AS id, owner_subject, array_to_string(parties, ',') AS parties, url, create_time`

// uuidArray is the Postgres literal of ids, which must be UUIDs.
func uuidArray(ids []string) (string, error) {
	for _, id := range ids {
		if _, err := uuid.Parse(id); err != nil {
			return "", errs.Errorf(errs.InvalidArgument, "party %q is not a UUID", id)
		}
	}
	return "{" + strings.Join(ids, ",") + "}", nil
}

// Create registers a webhook at url for rights holder p's parties and
// returns it with its secret.
func (s *Store) Create(ctx context.Context, p auth.Principal, url string, now time.Time) (Webhook, string, error) {
	if len(p.Parties) == 0 {
		return Webhook{}, "", errs.Errorf(errs.PermissionDenied, "the token acts for no party")
	}
	arr, err := uuidArray(p.Parties)
	if err != nil {
		return Webhook{}, "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Webhook{}, "", err
	}
	secret := "whsec_" + hex.EncodeToString(b)
	w := Webhook{ID: uuid.NewString(), Owner: p.Subject, Parties: append([]string(nil), p.Parties...), URL: url,
		CreateTime: now.UTC().Truncate(time.Microsecond)}
	err = s.db.Session(ctx).Gorm().Exec(`INSERT INTO webhooks (id, owner_subject, parties, url, secret, create_time)
		VALUES (?, ?, ?::uuid[], ?, ?, ?)`, w.ID, w.Owner, arr, w.URL, secret, w.CreateTime).Error
	if err != nil {
		return Webhook{}, "", fmt.Errorf("webhook: create: %w", store.Translate(err))
	}
	return w, secret, nil
}

// scope is the condition, over webhooks aliased w, that keeps the webhooks
// p may see: all for an administrator, for a rights holder those whose
// parties are all among its own.
func scope(p auth.Principal) (string, []any, error) {
	switch p.Role {
	case auth.Admin:
		return "true", nil, nil
	case auth.RightsHolder:
		arr, err := uuidArray(p.Parties)
		if err != nil {
			return "", nil, err
		}
		return "w.parties <@ ?::uuid[]", []any{arr}, nil
	default: // Officer, Mediator, Court: they have no webhooks
		return "", nil, errs.Errorf(errs.PermissionDenied, "role %s has no webhooks", p.Role)
	}
}

// List returns the live webhooks p may see, newest first.
func (s *Store) List(ctx context.Context, p auth.Principal) ([]Webhook, error) {
	cond, args, err := scope(p)
	if err != nil {
		return nil, err
	}
	var rows []webhookRow
	err = s.db.Session(ctx).Gorm().Raw(`SELECT `+webhookCols+` FROM webhooks w WHERE w.delete_time IS NULL AND `+cond+
		` ORDER BY create_time DESC, id`, args...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("webhook: list: %w", store.Translate(err))
	}
	out := make([]Webhook, len(rows))
	for i, r := range rows {
		out[i] = r.webhook()
	}
	return out, nil
}

// deleted finds webhook id, deleted or not, and reports whether it is
// deleted; a webhook p may not see is not found.
func (s *Store) deleted(tx store.Tx, p auth.Principal, id string) (bool, error) {
	cond, args, err := scope(p)
	if err != nil {
		return false, err
	}
	var rows []struct {
		Deleted bool
	}
	err = tx.Gorm().Raw(`SELECT delete_time IS NOT NULL AS deleted FROM webhooks w WHERE w.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&rows).Error
	if err != nil {
		return false, fmt.Errorf("webhook: get %s: %w", id, store.Translate(err))
	}
	if len(rows) == 0 {
		return false, errs.Errorf(errs.NotFound, "webhook %s not found", id)
	}
	return rows[0].Deleted, nil
}

// Delete deletes webhook id of p: nothing more is enqueued for it, and its
// pending deliveries fail.
func (s *Store) Delete(ctx context.Context, p auth.Principal, id string, now time.Time) error {
	return s.db.InTx(ctx, func(tx store.Tx) error {
		deleted, err := s.deleted(tx, p, id)
		if err != nil {
			return err
		}
		if deleted {
			return errs.Errorf(errs.NotFound, "webhook %s not found", id)
		}
		if err := tx.Gorm().Exec(`UPDATE webhooks SET delete_time = ? WHERE id = ?`, now, id).Error; err != nil {
			return store.Translate(err)
		}
		return store.Translate(tx.Gorm().Exec(`UPDATE webhook_deliveries SET state = ?, last_error = ?
			WHERE webhook_id = ? AND state = ?`, StateFailed, lastErrorDeleted, id, StatePending).Error)
	})
}

// Deliveries returns up to limit deliveries of webhook id of p after
// position after, in position order.
func (s *Store) Deliveries(ctx context.Context, p auth.Principal, id string, after int64, limit int) ([]Delivery, error) {
	if _, err := s.deleted(s.db.Session(ctx), p, id); err != nil {
		return nil, err
	}
	var out []Delivery
	err := s.db.Session(ctx).Gorm().Raw(`SELECT id::text AS id, webhook_id::text AS webhook_id, matter_id::text AS matter_id,
			position, event_seq, state, attempts, last_status_code, last_error, next_attempt_at, delivered_at
		FROM webhook_deliveries WHERE webhook_id = ? AND position > ? ORDER BY position LIMIT ?`, id, after, limit).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("webhook: deliveries of %s: %w", id, store.Translate(err))
	}
	return out, nil
}
