package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"google.golang.org/grpc/codes"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestTranslateRealFaults makes the database fail the ways it fails under
// faults — a backend terminated under a pool and inside a transaction, a
// connect to a port nobody listens on, a statement and a lock that outlast
// their timeouts, a full disk — and checks the code and the message the
// caller would get: the code a client can act on, and no database text.
func TestTranslateRealFaults(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	admin := storetest.Open(t, url, 2)
	storetest.Exec(t, admin, `CREATE TABLE t (k text PRIMARY KEY)`)
	storetest.Exec(t, admin, `INSERT INTO t VALUES ('a')`)
	// terminate ends the backend of the single connection of db.
	terminate := func(t *testing.T, pid int) {
		t.Helper()
		storetest.Exec(t, admin, `SELECT pg_terminate_backend(?)`, pid)
	}
	type row struct{ K string }
	for _, tt := range []struct {
		name string
		// fail returns the error a statement met.
		fail func(t *testing.T) error
		code codes.Code
	}{
		{"a lookup whose backend was terminated (57P01) is not NOT_FOUND", func(t *testing.T) error {
			db := storetest.Open(t, url, 1)
			s := db.Session(t.Context()).Gorm()
			var pid int
			if err := s.Raw(`SELECT pg_backend_pid()`).Scan(&pid).Error; err != nil {
				t.Fatal(err)
			}
			terminate(t, pid)
			var r row
			return s.Table("t").Where("k = ?", "missing").First(&r).Error
		}, codes.Unavailable},
		{"a raw scan whose backend was terminated", func(t *testing.T) error {
			db := storetest.Open(t, url, 1)
			s := db.Session(t.Context()).Gorm()
			var pid int
			if err := s.Raw(`SELECT pg_backend_pid()`).Scan(&pid).Error; err != nil {
				t.Fatal(err)
			}
			terminate(t, pid)
			var ids []string
			return s.Raw(`SELECT k FROM t WHERE k = ?`, "missing").Scan(&ids).Error
		}, codes.Unavailable},
		{"statements after the backend of their transaction was terminated", func(t *testing.T) error {
			db := storetest.Open(t, url, 1)
			var errs []error
			err := db.InTx(t.Context(), func(tx store.Tx) error {
				var pid int
				if err := tx.Gorm().Raw(`SELECT pg_backend_pid()`).Scan(&pid).Error; err != nil {
					t.Fatal(err)
				}
				terminate(t, pid)
				for range 2 { // 57P01, then driver.ErrBadConn
					var r row
					errs = append(errs, tx.Gorm().Table("t").Where("k = ?", "missing").First(&r).Error)
				}
				return errs[1]
			})
			for i, e := range append(errs, err) {
				if c := codeOf(e); c != codes.Unavailable {
					t.Errorf("error %d (%v): %v; want Unavailable", i, e, c)
				}
			}
			return err
		}, codes.Unavailable},
		{"pgx statements after their connection's backend was terminated (conn closed)", func(t *testing.T) error {
			conn, err := pgx.Connect(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = conn.Close(context.WithoutCancel(t.Context())) }()
			terminate(t, int(conn.PgConn().PID()))
			_, first := conn.Exec(t.Context(), `SELECT 1`)
			if c := codeOf(first); c != codes.Unavailable {
				t.Errorf("first statement (%v): %v; want Unavailable", first, c)
			}
			_, err = conn.Exec(t.Context(), `SELECT 1`)
			if !errors.Is(err, pgconn.ErrConnClosed) {
				t.Errorf("second statement after the termination: %v; want pgconn's conn closed", err)
			}
			return err
		}, codes.Unavailable},
		{"a connect to a port nobody listens on", func(t *testing.T) error {
			_, err := pgconn.Connect(t.Context(), "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
			return fmt.Errorf("connecting: %w", err)
		}, codes.Unavailable},
		{"too many connections (53300)", func(t *testing.T) error {
			return raise(t, admin, "53300")
		}, codes.Unavailable},
		{"a full disk (53100)", func(t *testing.T) error {
			return raise(t, admin, "53100")
		}, codes.ResourceExhausted},
		{"a program limit (54000)", func(t *testing.T) error {
			return raise(t, admin, "54000")
		}, codes.ResourceExhausted},
		{"a statement over its transaction's deadline (57014)", func(t *testing.T) error {
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			return admin.InTx(ctx, func(tx store.Tx) error {
				return tx.Gorm().Exec(`SELECT pg_sleep(5)`).Error
			})
		}, codes.DeadlineExceeded},
		{"a lock not granted (55P03)", func(t *testing.T) error {
			holder := storetest.Open(t, url, 1)
			locked, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- holder.InTx(t.Context(), func(tx store.Tx) error {
					if err := tx.Gorm().Exec(`LOCK TABLE t IN ACCESS EXCLUSIVE MODE`).Error; err != nil {
						return err
					}
					close(locked)
					<-release
					return nil
				})
			}()
			<-locked
			defer func() {
				close(release)
				if err := <-done; err != nil {
					t.Error(err)
				}
			}()
			return admin.InTx(t.Context(), func(tx store.Tx) error {
				if err := tx.Gorm().Exec(`SET LOCAL lock_timeout = 100`).Error; err != nil {
					return err
				}
				var r row
				return tx.Gorm().Table("t").First(&r).Error
			})
		}, codes.Unavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.fail(t)
			if err == nil {
				t.Fatal("no error")
			}
			// What the store returns must be classified already, as the
			// code that met it may wrap it raw ("looking for duplicates:
			// %w"); Translate again changes nothing then.
			if c := errs.Code(err); c != tt.code && !strings.Contains(tt.name, "connect to a port") && !strings.HasPrefix(tt.name, "pgx") {
				t.Errorf("%v as the store returned it: %v, want %v", err, c, tt.code)
			}
			st := errs.Status(fmt.Errorf("SubmitComplaint: %w", store.Translate(err)), "r-1")
			if st.Code() != tt.code {
				t.Errorf("%v: code %v (%q), want %v", err, st.Code(), st.Message(), tt.code)
			}
			for _, leak := range []string{"SQLSTATE", "postgres", "127.0.0.1", "FATAL", "ERROR", "conn closed", "EOF"} {
				if strings.Contains(st.Message(), leak) {
					t.Errorf("message %q carries %q", st.Message(), leak)
				}
			}
			t.Logf("%v → %v %q", err, st.Code(), st.Message())
		})
	}
}

// codeOf is the code a client gets for err met by a store.
func codeOf(err error) codes.Code { return errs.Code(store.Translate(err)) }

// raise makes the server report an error of SQLSTATE code.
func raise(t *testing.T, db *store.DB, code string) error {
	t.Helper()
	return db.Session(t.Context()).Gorm().Exec(`DO $$ BEGIN RAISE EXCEPTION 'fault' USING ERRCODE = '` + code + `'; END $$`).Error
}
