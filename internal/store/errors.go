package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/errs"
)

// What the caller is told when the case store fails for a reason of its
// own. None of them names a host, a database or a driver: that stays in
// the log, under the request id.
const (
	msgUnavailable = "the case store is unavailable; retry later"
	msgDiskFull    = "the case store's storage is full: nothing was saved; an operator must free or add space"
	msgCapacity    = "the case store is at capacity (memory or connections); nothing was saved; retry later"
	msgLimit       = "the case store refused the change: a database limit was reached"
	msgTimeout     = "the case store did not answer within the call's deadline"
	msgLocked      = "a record this call needs is locked by another change; retry later"
	msgConflict    = "the change met a concurrent one and was undone; retry it"
)

// Translate is the one classification of database errors: it maps a
// driver or gorm error onto an errs category with a sentence for the
// caller, keeping the original in the chain for the log. In order:
//
//   - a connection cut by the call's deadline (pgx's i/o timeout) →
//     context.DeadlineExceeded;
//   - a lost or unreachable connection (SQLSTATE class 08, 57P01–57P03,
//     pgconn's "conn closed", an unexpected EOF, a network error,
//     driver.ErrBadConn, sql.ErrConnDone, a failed connect) → errs.Unavailable,
//     whatever else the chain holds: a query cut off by a lost connection
//     found nothing, which is not "not found";
//   - full storage (53100) → errs.ResourceExhausted and errs.StorageFull,
//     out of memory or connections (53200, 53300) → errs.Unavailable,
//     another program limit (class 54) → errs.ResourceExhausted;
//   - a statement cancelled by statement_timeout (57014) →
//     context.DeadlineExceeded, a lock not granted within lock_timeout
//     (55P03) → errs.Unavailable;
//   - record not found → errs.NotFound, unique violation →
//     errs.AlreadyExists, serialization failure or deadlock → errs.Aborted.
//
// Other errors, and errors already translated, are returned unchanged.
// Every gorm statement's error passes through it (Open installs it as
// gorm's error translator, and after gorm's row callback, which bypasses
// the translator); code outside gorm (a LISTEN connection) calls it
// itself.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var done *errs.Error
	if errors.As(err, &done) {
		return err // already says what the caller is told
	}
	if connectionLost(err) {
		return errs.Wrap(errs.Unavailable, err, msgUnavailable)
	}
	if timedOut(err) {
		return errs.Wrap(context.DeadlineExceeded, err, msgTimeout)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch c := pgErr.Code; {
		case c == "53100":
			return errs.Wrap(errs.StorageFull("db"), err, msgDiskFull)
		case c == "53200", c == "53300":
			return errs.Wrap(errs.Unavailable, err, msgCapacity)
		case strings.HasPrefix(c, "53"), strings.HasPrefix(c, "54"):
			return errs.Wrap(errs.ResourceExhausted, err, msgLimit)
		case c == "57014":
			return errs.Wrap(context.DeadlineExceeded, err, msgTimeout)
		case c == "55P03":
			return errs.Wrap(errs.Unavailable, err, msgLocked)
		case c == "23505":
			return errs.Wrap(errs.AlreadyExists, err, "already exists")
		case c == "40001", c == "40P01":
			return errs.Wrap(errs.Aborted, err, msgConflict)
		}
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return errs.Wrap(errs.NotFound, err, "not found")
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return errs.Wrap(errs.AlreadyExists, err, "already exists")
	}
	return err
}

// connectionLost reports whether err says the database could not be
// reached or went away mid-call. A cancellation or deadline of the call's
// context is not one, even when it cut short a connect: it is reported as
// such (a database that answers nobody makes every call meet its deadline).
func connectionLost(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || timedOut(err) {
		return false
	}
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true // refused, or refused us (too many clients, no such database)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		c := pgErr.Code
		return strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03"
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}

// timedOut reports whether err is the read or write timeout pgx sets on
// the connection when the call's context ends (the connection is then
// dropped): the deadline, not a lost database.
func timedOut(err error) bool {
	var ne net.Error
	return pgconn.Timeout(err) || (errors.As(err, &ne) && ne.Timeout())
}

// dialector is gorm's Postgres dialector whose error translator is
// Translate, so that every statement's error is classified where gorm
// records it, before anything can join it with another.
type dialector struct{ *postgres.Dialector }

// Translate classifies err (see the package function).
func (dialector) Translate(err error) error { return Translate(err) }

// Explain is a statement as gorm records and logs it. Its values are never
// logged (gormLogger.ParamsFilter, RecorderParamsFilter), and without them
// it is the statement itself; gorm's own would run a regular expression
// over the text of every statement that Scan runs, logged or not.
func (d dialector) Explain(sql string, vars ...any) string {
	if len(vars) == 0 {
		return sql
	}
	return d.Dialector.Explain(sql, vars...)
}
