package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestTranslate(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t).Session(t.Context()).Gorm()
	if err := db.Exec(`CREATE TABLE t (k text PRIMARY KEY)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO t VALUES ('a')`).Error; err != nil {
		t.Fatal(err)
	}
	dup := db.Exec(`INSERT INTO t VALUES ('a')`).Error
	if !errors.Is(store.Translate(dup), errs.AlreadyExists) {
		t.Errorf("duplicate key: Translate(%v) is not AlreadyExists", dup)
	}
	var row struct{ K string }
	missing := db.Table("t").Where("k = ?", "zz").First(&row).Error
	if !errors.Is(store.Translate(missing), errs.NotFound) {
		t.Errorf("missing row: Translate(%v) is not NotFound", missing)
	}
	serial := db.Exec(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$`).Error
	if !errors.Is(store.Translate(serial), errs.Aborted) {
		t.Errorf("serialization failure: Translate(%v) is not Aborted", serial)
	}
}

func TestIdempotent(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE side_effects (n int)`)
	run := func(hash string, resp string) ([]byte, error) {
		key := store.IdempotencyKey{Scope: "test", RequestID: "r1", RequestHash: []byte(hash)}
		return db.Idempotent(t.Context(), key, func(tx store.Tx) ([]byte, error) {
			return []byte(resp), tx.Gorm().Exec(`INSERT INTO side_effects VALUES (1)`).Error
		})
	}
	first, err := run("h1", "first")
	if err != nil || string(first) != "first" {
		t.Fatalf("first call = %q, %v", first, err)
	}
	again, err := run("h1", "second")
	if err != nil || string(again) != "first" {
		t.Errorf("retry = %q, %v; want the stored %q", again, err, "first")
	}
	if _, err := run("h2", "other"); !errors.Is(err, errs.InvalidArgument) {
		t.Errorf("same id, other body: %v; want InvalidArgument", err)
	}
	var n int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM side_effects`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("side effects ran %d times, want 1", n)
	}
}

// TestIdempotencyLookupUsesTheIndex: the lookup of a request's stored
// response, sent with BEGIN, reads the key's primary-key index, not the
// whole table, which grows by a row per write with a request id. (Its key,
// decoded from hex, was compared in collation "C", which the index of a
// text column in the database's collation cannot answer.) Sequential scans
// are priced out, so the plan is a sequential scan only when the index
// cannot be used.
func TestIdempotencyLookupUsesTheIndex(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		if err := tx.Gorm().Exec(`SET LOCAL enable_seqscan = off`).Error; err != nil {
			return err
		}
		q, err := store.Lookup("/ipcase.v1.FilingService/SubmitComplaint:holder-1:r-1")
		if err != nil {
			return err
		}
		var plan []string
		if err := tx.Gorm().Raw(`EXPLAIN ` + q).Scan(&plan).Error; err != nil {
			return err
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, "idempotency_keys_pkey") {
			t.Errorf("the idempotency lookup's plan reads no index:\n%s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCopyFromIsPartOfTheTransaction: what Tx.CopyFrom copies commits or
// rolls back with the transaction's other statements, a refused row fails
// the whole, and a Session may not copy.
func TestCopyFromIsPartOfTheTransaction(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE copied (k int PRIMARY KEY, v text NOT NULL)`)
	count := func() int64 {
		var n int64
		if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM copied`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	rows := [][]any{{int32(1), "一"}, {int32(2), "二"}}
	// Rolled back with the transaction: nothing stays.
	undo := errors.New("undo")
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		if err := tx.CopyFrom("copied", []string{"k", "v"}, rows); err != nil {
			return err
		}
		return undo
	})
	if !errors.Is(err, undo) || count() != 0 {
		t.Fatalf("rolled back: err %v, %d rows; want undo and none", err, count())
	}
	// A row the table refuses fails the copy and the transaction with it.
	err = db.InTx(t.Context(), func(tx store.Tx) error {
		if err := tx.Gorm().Exec(`INSERT INTO copied VALUES (3, 'three')`).Error; err != nil {
			return err
		}
		return tx.CopyFrom("copied", []string{"k", "v"}, append(rows, []any{int32(1), "again"}))
	})
	if !errors.Is(err, errs.AlreadyExists) || count() != 0 {
		t.Fatalf("a duplicate key: err %v, %d rows; want AlreadyExists and none", err, count())
	}
	// Committed with the statements around it, which see the rows.
	var seen int64
	err = db.InTx(t.Context(), func(tx store.Tx) error {
		if err := tx.CopyFrom("copied", []string{"k", "v"}, rows); err != nil {
			return err
		}
		return tx.Gorm().Raw(`SELECT count(*) FROM copied`).Scan(&seen).Error
	})
	if err != nil || seen != 2 || count() != 2 {
		t.Fatalf("committed: err %v, %d rows seen inside, %d after; want 2 and 2", err, seen, count())
	}
	if err := db.Session(t.Context()).CopyFrom("copied", []string{"k", "v"}, rows); err == nil || count() != 2 {
		t.Errorf("CopyFrom in a Session: err %v, %d rows; want an error and the 2 rows", err, count())
	}
}
