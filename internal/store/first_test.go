package store_test

import (
	"errors"
	"testing"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestInlineKeepsTextInItsLiteral: the statements sent with BEGIN carry
// their values as literals (store.Inline), and a value a client chose —
// a party id, an agency — must come back as itself, never end its
// literal and run as SQL.
func TestInlineKeepsTextInItsLiteral(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE victims (k text PRIMARY KEY)`)
	storetest.Exec(t, db, `INSERT INTO victims VALUES ('a'), ('b''c')`)
	hostile := []string{
		`x'; DROP TABLE victims; --`,
		`b'c`,
		`\'; SELECT 1; --`,
		`?`,
		`$1`,
		`日本語 'quoted' ''`,
	}
	var first []store.First
	for _, h := range hostile {
		q, err := store.Inline(`SELECT ?::text`, h)
		if err != nil {
			t.Fatalf("Inline(%q): %v", h, err)
		}
		first = append(first, store.First{SQL: q})
	}
	in, err := store.Inline(`SELECT k FROM victims WHERE k IN ? ORDER BY k`, []string{"a", `b'c`, `x') OR true --`})
	if err != nil {
		t.Fatal(err)
	}
	first = append(first, store.First{SQL: in})
	_, err = db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, first, func(_ store.Tx, got []store.Text) ([]byte, error) {
		for i, h := range hostile {
			if len(got[i]) != 1 || string(got[i][0][0]) != h {
				t.Errorf("%q came back as %q", h, got[i])
			}
		}
		if rows := got[len(hostile)]; len(rows) != 2 || string(rows[0][0]) != "a" || string(rows[1][0]) != "b'c" {
			t.Errorf("IN ? found %q, want a and b'c only", rows)
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM victims`).Scan(&n).Error; err != nil || n != 2 {
		t.Errorf("victims has %d rows (%v), want 2", n, err)
	}
	if _, err := store.Inline(`SELECT ?`, "a\x00b"); err == nil {
		t.Error("a NUL character was inlined")
	}
	if _, err := store.Inline(`SELECT ?, ?`, "a"); err == nil {
		t.Error("a placeholder without its argument was accepted")
	}
}

// TestWriteAtCommitFailsTheCommit: writes sent with COMMIT are the
// commit's: one that fails rolls back everything the transaction did,
// the stored response of its request id included, so that a retry runs
// again rather than answering a change that was not made.
func TestWriteAtCommitFailsTheCommit(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE t (k text PRIMARY KEY)`)
	storetest.Exec(t, db, `INSERT INTO t VALUES ('taken')`)
	key := store.IdempotencyKey{Scope: "test", RequestID: "r1", RequestHash: []byte("h")}
	run := func(k string) ([]byte, error) {
		return db.Idempotent(t.Context(), key, func(tx store.Tx) ([]byte, error) {
			if err := tx.Write(store.Write{SQL: `INSERT INTO t VALUES (?)`, Args: []any{"early"}}); err != nil {
				return nil, err
			}
			if !tx.Written() {
				t.Error("Written is false after a Write")
			}
			return []byte("done " + k), tx.WriteAtCommit(store.Write{SQL: `INSERT INTO t VALUES (?)`, Args: []any{k}})
		})
	}
	if _, err := run("taken"); !errors.Is(err, errs.AlreadyExists) {
		t.Fatalf("a write at commit on a taken key: %v; want AlreadyExists", err)
	}
	var keys []string
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT k FROM t ORDER BY k`).Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "taken" {
		t.Errorf("after the failed commit t holds %q; want only the row from before", keys)
	}
	// The retry with the same request id runs (nothing was stored) and
	// commits.
	resp, err := run("free")
	if err != nil || string(resp) != "done free" {
		t.Fatalf("retry = %q, %v", resp, err)
	}
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT k FROM t ORDER BY k`).Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Errorf("after the retry t holds %q; want early, free and taken", keys)
	}
}

// TestTogether: statements sent together run in order, each seeing what
// those before it wrote, and answer their own rows; one that fails fails
// the transaction, which writes nothing.
func TestTogether(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE t (k text PRIMARY KEY)`)
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		got, err := tx.Together(
			store.Query{SQL: `INSERT INTO t VALUES (?), (?) RETURNING k`, Args: []any{"a", "b"}},
			store.Query{SQL: `SELECT count(*)::text FROM t WHERE k IN ?`, Args: []any{[]string{"a", "b", "c"}}},
			store.Query{SQL: `SELECT k FROM t WHERE k = ?`, Args: []any{"none"}},
		)
		if err != nil {
			return err
		}
		if len(got) != 3 || len(got[0]) != 2 || got[0][0] != "a" || got[0][1] != "b" || len(got[1]) != 1 || got[1][0] != "2" || len(got[2]) != 0 {
			t.Errorf("Together answered %q; want [[a b] [2] []]", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(t.Context(), func(tx store.Tx) error {
		_, err := tx.Together(
			store.Query{SQL: `INSERT INTO t VALUES (?) RETURNING k`, Args: []any{"c"}},
			store.Query{SQL: `INSERT INTO t VALUES (?) RETURNING k`, Args: []any{"a"}},
		)
		return err
	})
	if !errors.Is(err, errs.AlreadyExists) {
		t.Fatalf("a taken key sent together: %v; want AlreadyExists", err)
	}
	var n int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM t`).Scan(&n).Error; err != nil || n != 2 {
		t.Errorf("t has %d rows (%v) after the failed transaction; want 2", n, err)
	}
}

// TestPrefetchedUntilTheChangeWrites: what a change read with BEGIN
// answers its reads until the change writes, whatever way it writes: a
// read read as rows leaves it, a data-modifying WITH query read as rows
// ends it, as a Write does.
func TestPrefetchedUntilTheChangeWrites(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE t (k text PRIMARY KEY)`)
	first := []store.First{{Key: "t", SQL: `SELECT count(*) FROM t`}}
	for _, tt := range []struct {
		name string
		do   func(store.Tx) error
		kept bool
	}{
		{"a read", func(tx store.Tx) error {
			var n int64
			return tx.Gorm().Raw(`SELECT count(*) FROM t WHERE k <> ?`, "update_time").Scan(&n).Error
		}, true},
		{"a write read as rows", func(tx store.Tx) error {
			var ks []string
			return tx.Gorm().Raw(`WITH w AS (INSERT INTO t VALUES (?) RETURNING k) SELECT k FROM w`, "a").Scan(&ks).Error
		}, false},
		{"an Exec", func(tx store.Tx) error { return tx.Gorm().Exec(`INSERT INTO t VALUES (?)`, "b").Error }, false},
		{"a Write", func(tx store.Tx) error {
			return tx.Write(store.Write{SQL: `INSERT INTO t VALUES (?)`, Args: []any{"c"}})
		}, false},
		{"a write at commit", func(tx store.Tx) error {
			return tx.WriteAtCommit(store.Write{SQL: `INSERT INTO t VALUES (?)`, Args: []any{"d"}})
		}, true},
	} {
		_, err := db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, first, func(tx store.Tx, _ []store.Text) ([]byte, error) {
			if _, ok := tx.Prefetched("t"); !ok {
				t.Errorf("%s: nothing kept from BEGIN", tt.name)
			}
			if err := tt.do(tx); err != nil {
				return nil, err
			}
			if _, ok := tx.Prefetched("t"); ok != tt.kept {
				t.Errorf("after %s: kept %v, want %v", tt.name, ok, tt.kept)
			}
			return nil, nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
	}
}

// TestNextOfCounterReadWithBegin: a counter read FOR UPDATE with BEGIN
// gives the transaction its next values in turn, only for the row it
// names; a transaction that writes the values back has them stored, one
// that does not leaves the counter as it was; rows read together count on
// their own.
func TestNextOfCounterReadWithBegin(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	storetest.Exec(t, db, `CREATE TABLE counters (name text, year int, last bigint NOT NULL, PRIMARY KEY (name, year))`)
	storetest.Exec(t, db, `INSERT INTO counters VALUES ('a', 2026, 41)`)
	read := func(name string) store.First {
		q, err := store.Inline(`SELECT name, year, last FROM counters WHERE name = ? AND year = 2026 FOR UPDATE`, name)
		if err != nil {
			t.Fatal(err)
		}
		return store.First{Key: "counter", SQL: q, Counter: true}
	}
	last := func() (n int64) {
		if err := db.Session(t.Context()).Gorm().Raw(`SELECT last FROM counters WHERE name = 'a'`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	_, err := db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, []store.First{read("a")}, func(tx store.Tx, _ []store.Text) ([]byte, error) {
		if _, ok := tx.NextOf("counter", "a", "2025"); ok {
			t.Error("NextOf gave a value of a year the counter read with BEGIN is not")
		}
		if _, ok := tx.NextOf("another", "a", "2026"); ok {
			t.Error("NextOf gave a value of a counter not read with BEGIN")
		}
		for _, want := range []int64{42, 43} {
			if n, ok := tx.NextOf("counter", "a", "2026"); !ok || n != want {
				t.Errorf("NextOf = %d, %v; want %d", n, ok, want)
			}
		}
		// Reads the counter did not make are not cut short by it.
		if _, ok := tx.Prefetched("counter"); ok {
			t.Error("a counter read is also answered as a prefetched read")
		}
		return nil, tx.WriteAtCommit(store.Write{SQL: `UPDATE counters SET last = ? WHERE name = 'a'`, Args: []any{43}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := last(); n != 43 {
		t.Errorf("after a transaction took two values: last = %d, want 43", n)
	}
	_, err = db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, []store.First{read("b")}, func(tx store.Tx, _ []store.Text) ([]byte, error) {
		if _, ok := tx.NextOf("counter", "b", "2026"); ok {
			t.Error("NextOf gave a value of a counter row that does not exist")
		}
		if _, ok := tx.NextOf("counter", "a", "2026"); ok {
			t.Error("NextOf gave a value of a row BEGIN did not read")
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := last(); n != 43 {
		t.Errorf("a transaction that took nothing changed the counter: last = %d, want 43", n)
	}
	// Several rows read at once: each gives its own values.
	storetest.Exec(t, db, `INSERT INTO counters VALUES ('c', 2026, 7)`)
	both := store.First{Key: "counters", SQL: `SELECT name, year, last FROM counters WHERE name IN ('a', 'c') AND year = 2026 FOR UPDATE`, Counter: true}
	_, err = db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, []store.First{both}, func(tx store.Tx, _ []store.Text) ([]byte, error) {
		for _, want := range []struct {
			name string
			n    int64
		}{{"c", 8}, {"a", 44}, {"c", 9}} {
			if n, ok := tx.NextOf("counters", want.name, "2026"); !ok || n != want.n {
				t.Errorf("NextOf(%s) = %d, %v; want %d", want.name, n, ok, want.n)
			}
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
