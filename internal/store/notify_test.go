package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestWriteNotifiesAfterCommit: a write that asks for a channel's NOTIFY
// gets it once its transaction has committed — once however many of its
// writes asked — and never for a transaction that rolled back; a
// Session's write, which commits as it runs, gets it at once.
func TestWriteNotifiesAfterCommit(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	ctx := t.Context()
	listener, err := pgx.Connect(ctx, db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = listener.Close(context.WithoutCancel(ctx)) }()
	if _, err := listener.Exec(ctx, "LISTEN ipcase_test"); err != nil {
		t.Fatal(err)
	}
	// received counts the notifications that arrive within wait.
	received := func(wait time.Duration) int {
		n := 0
		for {
			wctx, cancel := context.WithTimeout(ctx, wait)
			_, err := listener.WaitForNotification(wctx)
			cancel()
			if err != nil {
				return n
			}
			n++
		}
	}
	noop := store.Write{SQL: `DELETE FROM idempotency_keys WHERE false`, Notify: "ipcase_test"}

	err = db.InTx(ctx, func(tx store.Tx) error {
		if err := tx.Write(noop); err != nil {
			return err
		}
		return tx.Write(noop, noop)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := received(2 * time.Second); n != 1 {
		t.Errorf("a committed transaction whose writes asked three times: %d notifications; want 1", n)
	}

	undone := errors.New("undone")
	if err := db.InTx(ctx, func(tx store.Tx) error {
		if err := tx.Write(noop); err != nil {
			return err
		}
		return undone
	}); !errors.Is(err, undone) {
		t.Fatal(err)
	}
	if n := received(500 * time.Millisecond); n != 0 {
		t.Errorf("a transaction rolled back: %d notifications; want none", n)
	}

	if err := db.Session(ctx).Write(noop); err != nil {
		t.Fatal(err)
	}
	if n := received(2 * time.Second); n != 1 {
		t.Errorf("a Session's write: %d notifications; want 1", n)
	}
}
