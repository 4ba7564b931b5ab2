package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"

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
func (db *DB) Idempotent(ctx context.Context, key IdempotencyKey, fn func(Tx) ([]byte, error)) ([]byte, error) {
	if key.RequestID == "" {
		var out []byte
		err := db.InTx(ctx, func(tx Tx) error {
			var err error
			out, err = fn(tx)
			return err
		})
		return out, err
	}
	k := key.Scope + "/" + key.RequestID
	if resp, ok, err := storedResponse(ctx, db, k, key.RequestHash); ok || err != nil {
		return resp, err
	}
	var out []byte
	err := db.InTx(ctx, func(tx Tx) error {
		var err error
		if out, err = fn(tx); err != nil {
			return err
		}
		return tx.g.Create(&idempotencyRow{Key: k, RequestHash: key.RequestHash, Response: out}).Error
	})
	if errors.Is(Translate(err), errs.AlreadyExists) {
		// A concurrent attempt with the same request_id committed first.
		if resp, ok, serr := storedResponse(ctx, db, k, key.RequestHash); ok || serr != nil {
			return resp, serr
		}
	}
	return out, err
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
