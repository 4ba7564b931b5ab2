package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ipcase/ipcase/internal/errs"
)

// IdempotencyKey identifies one request for retry purposes; package request
// makes it from an API request (request.Key).
type IdempotencyKey struct {
	// Scope separates keys of different methods and callers.
	Scope string
	// RequestID is the client's request_id; empty disables idempotency.
	RequestID string
	// RequestHash is the SHA-256 of the request without its request_id;
	// the same id with another request is refused.
	RequestHash []byte
}

type idempotencyRow struct {
	Key         string
	RequestHash []byte
	Response    []byte
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// Idempotent runs fn in a transaction and stores the response it returns
// under key in that same transaction. If key was already used with the same
// request hash, fn is not run and the stored response is returned; with a
// different hash the call is refused with a field error on request_id.
// Concurrent first attempts are resolved by the key's primary key: the loser
// rolls back and returns the winner's response.
//
// The key is looked up in the round trip that begins the transaction, and
// the response is stored in the one that commits it (package doc of tx.go).
func (db *DB) Idempotent(ctx context.Context, key IdempotencyKey, fn func(Tx) ([]byte, error)) ([]byte, error) {
	return db.IdempotentAfter(ctx, key, nil, func(tx Tx, _ []Text) ([]byte, error) { return fn(tx) })
}

// Text is what a statement sent with BEGIN answered: its rows, each a
// list of columns in Postgres's text format, NULL as nil.
type Text [][][]byte

// First is a statement without parameters (Inline) that a transaction
// sends with BEGIN: a lock, or a read that the change will need. If Key
// is set, its answer is also kept for the transaction's own reads
// (Tx.Prefetched).
type First struct {
	Key, SQL string
	// Counter marks the read of counters' rows FOR UPDATE, whose answer
	// no other transaction can change until this one ends: the
	// transaction takes its next values from them (Tx.NextOf).
	Counter bool
}

// IdempotentAfter is Idempotent whose transaction begins with first, whose
// answers fn gets, in order. They run even when the key's stored response
// is returned.
func (db *DB) IdempotentAfter(ctx context.Context, key IdempotencyKey, first []First, fn func(Tx, []Text) ([]byte, error)) ([]byte, error) {
	var out []byte
	var firstRows []Text
	read := func(res []*pgconn.Result) error {
		for _, r := range res {
			if r.Err != nil {
				return Translate(r.Err)
			}
			firstRows = append(firstRows, r.Rows)
		}
		return nil
	}
	then := make([]string, len(first))
	for i, f := range first {
		then[i] = f.SQL
	}
	keep := func(tx Tx) {
		for i, f := range first {
			switch {
			case f.Counter:
				tx.SetLocal(counterKey(f.Key), &counter{rows: firstRows[i], taken: map[int]int64{}})
			case f.Key != "":
				tx.after.keep(f.Key, firstRows[i])
			}
		}
	}
	if key.RequestID == "" {
		look := func(res []*pgconn.Result) (bool, error) { return false, read(res) }
		err := db.inTx(ctx, then, look, func(tx Tx) (*pgx.QueuedQuery, error) {
			keep(tx)
			var err error
			out, err = fn(tx, firstRows)
			return nil, err
		})
		return out, err
	}
	k := key.Scope + "/" + key.RequestID
	var stored []byte
	look := func(res []*pgconn.Result) (bool, error) {
		resp, ok, err := storedIn(res[0], key.RequestHash)
		stored = resp
		if ok || err != nil {
			return ok, err
		}
		return false, read(res[1:])
	}
	look1, err := lookup(k)
	if err != nil {
		return nil, err
	}
	err = db.inTx(ctx, append([]string{look1}, then...), look, func(tx Tx) (*pgx.QueuedQuery, error) {
		keep(tx)
		var err error
		if out, err = fn(tx, firstRows); err != nil {
			return nil, err
		}
		return &pgx.QueuedQuery{SQL: insertKey, Arguments: []any{k, key.RequestHash, out}}, nil
	})
	switch {
	case stored != nil:
		return stored, nil
	case errors.Is(Translate(err), errs.AlreadyExists):
		// A concurrent attempt with the same request_id committed first.
		if resp, ok, serr := storedResponse(ctx, db, k, key.RequestHash); ok || serr != nil {
			return resp, serr
		}
	}
	return out, err
}

// insertKey stores a response under its key.
const insertKey = `INSERT INTO idempotency_keys (key, request_hash, response) VALUES ($1, $2, $3)`

// lookup is the statement that reads the stored request hash and response
// of key k, hex-encoded: it is sent with BEGIN, without parameters, k as a
// quoted literal (Inline), which takes the collation of the key's column
// and so its index.
func lookup(k string) (string, error) {
	return Inline(`SELECT encode(request_hash, 'hex'), encode(response, 'hex') FROM idempotency_keys WHERE key = ?`, k)
}

// storedIn reads the answer of lookup: the stored response, ok if there is
// one for hash; a stored key of another request is refused.
func storedIn(res *pgconn.Result, hash []byte) ([]byte, bool, error) {
	if res == nil {
		return nil, false, errors.New("store: idempotency lookup: no result")
	}
	if res.Err != nil {
		return nil, false, fmt.Errorf("store: idempotency lookup: %w", res.Err)
	}
	if len(res.Rows) == 0 {
		return nil, false, nil
	}
	row := res.Rows[0]
	if len(row) != 2 {
		return nil, false, fmt.Errorf("store: idempotency lookup: %d columns", len(row))
	}
	stored, err := hex.DecodeString(string(row[0]))
	if err != nil {
		return nil, false, fmt.Errorf("store: idempotency lookup: %w", err)
	}
	if !bytes.Equal(stored, hash) {
		return nil, true, errs.Field("request_id", "already used for a different request; use a new request_id")
	}
	resp, err := hex.DecodeString(string(row[1]))
	if err != nil {
		return nil, false, fmt.Errorf("store: idempotency lookup: %w", err)
	}
	return resp, true, nil
}

func storedResponse(ctx context.Context, db *DB, k string, hash []byte) ([]byte, bool, error) {
	var rows []idempotencyRow
	if err := db.g.WithContext(ctx).Where("key = ?", k).Limit(1).Find(&rows).Error; err != nil {
		return nil, false, fmt.Errorf("store: idempotency lookup: %w", err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	if !bytes.Equal(rows[0].RequestHash, hash) {
		return nil, true, errs.Field("request_id", "already used for a different request; use a new request_id")
	}
	return rows[0].Response, true, nil
}
