package errs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"syscall"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"

	"github.com/ipcase/ipcase/internal/errs"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		err     error
		code    codes.Code
		message string
	}{
		// The caller reads the sentence written for it, not the context the
		// server wrapped around it for its log.
		{"wrapped not found", fmt.Errorf("GetMatter(m1): %w", errs.Errorf(errs.NotFound, "matter not found")), codes.NotFound, "matter not found"},
		{"aborted", fmt.Errorf("AcceptComplaint(m1): %w", errs.Errorf(errs.Aborted, "etag %q is stale: the matter is now at %q", `"v3"`, `"v4"`)),
			codes.Aborted, `etag "\"v3\"" is stale: the matter is now at "\"v4\""`},
		{"cause stays in the log", fmt.Errorf("Create: %w", errs.Wrap(errs.AlreadyExists,
			errors.New(`ERROR: duplicate key value violates unique constraint "webhooks_pkey" (SQLSTATE 23505)`), "the webhook already exists")),
			codes.AlreadyExists, "the webhook already exists"},
		{"a bare category gets its name and a reference", fmt.Errorf("Get(%s): %w", "postgres://u@h/db", errs.NotFound), codes.NotFound, "not found (ref r-1)"},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), codes.DeadlineExceeded, "DeadlineExceeded"},
		// The store says a lost connection is Unavailable (store.Translate);
		// that outranks the category the code that met it concluded, and the
		// caller reads what was said of the connection.
		{"a lost store outranks the category the code concluded", errs.Wrap(errs.NotFound,
			fmt.Errorf("finding party: %w", errs.Wrap(errs.Unavailable, sqlState("57P01"), "the case store is unavailable; retry later")), "party not found"),
			codes.Unavailable, "the case store is unavailable; retry later"},
		{"a deadline outranks not found", errs.Wrap(errs.NotFound, fmt.Errorf("load: %w", context.DeadlineExceeded), "matter not found"),
			codes.DeadlineExceeded, "DeadlineExceeded"},
		{"a full store", fmt.Errorf("save: %w", errs.Wrap(errs.StorageFull("evidence"), errors.New("write /data/tmp/upload-1: no space left on device"), "evidence storage is full")),
			codes.ResourceExhausted, "evidence storage is full"},
		{"a bare Unavailable gets its name", fmt.Errorf("x: %w", errs.Unavailable), codes.Unavailable, "unavailable (ref r-1)"},
		// Raw driver and network errors that skipped the store's
		// translation say nothing of themselves.
		{"an untranslated network error is masked", fmt.Errorf("load matter: %w",
			&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}), codes.Internal,
			"internal error (ref r-1)"},
		{"a file error is not a lost connection", fmt.Errorf("save: %w", &fs.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}),
			codes.Internal, "internal error (ref r-1)"},
		{"an unexpected EOF is masked", fmt.Errorf("save: %w", io.ErrUnexpectedEOF), codes.Internal, "internal error (ref r-1)"},
		{"other SQLSTATEs stay internal", fmt.Errorf("save: %w", sqlState("42P01")), codes.Internal, "internal error (ref r-1)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := errs.Status(tt.err, "r-1")
			if s.Code() != tt.code || s.Message() != tt.message {
				t.Errorf("Status(%v) = %v %q, want %v %q", tt.err, s.Code(), s.Message(), tt.code, tt.message)
			}
		})
	}
}

// sqlState is a driver error with a SQLSTATE, as pgconn.PgError reports it.
type sqlState string

func (s sqlState) Error() string    { return "SQLSTATE " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

func TestFieldViolationsBecomeBadRequest(t *testing.T) {
	t.Parallel()
	var v errs.FieldErrors
	v.Add("complainant", "required")
	v.Add("rights[1].type", "unknown IP type 42")
	err := fmt.Errorf("SubmitComplaint: %w", v.Err())
	if !errors.Is(err, errs.InvalidArgument) {
		t.Fatalf("errors.Is(%v, InvalidArgument) = false", err)
	}
	s := errs.Status(err, "r")
	if s.Code() != codes.InvalidArgument {
		t.Fatalf("code = %v, want InvalidArgument", s.Code())
	}
	// The caller reads the fields and what is wrong with them, not the
	// operation that wrapped them or the category's name.
	if want := "complainant: required; rights[1].type: unknown IP type 42"; s.Message() != want {
		t.Errorf("message = %q, want %q", s.Message(), want)
	}
	var got []string
	for _, d := range s.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, fv := range br.GetFieldViolations() {
				got = append(got, fv.GetField())
			}
		}
	}
	if len(got) != 2 || got[0] != "complainant" || got[1] != "rights[1].type" {
		t.Errorf("field violations = %v, want [complainant rights[1].type]", got)
	}
	var none errs.FieldErrors
	if none.Err() != nil {
		t.Errorf("empty FieldErrors.Err() = %v, want nil", none.Err())
	}
}
