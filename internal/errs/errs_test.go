package errs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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
		{"a lost connection outranks the category the code concluded", errs.Wrap(errs.NotFound, fmt.Errorf("finding party: %w", sqlState("57P01")), "party not found"),
			codes.Unavailable, "the case store is unavailable; retry later (ref r-1)"},
		{"uncategorised is masked", errors.New("pq: relation secret_table does not exist"), codes.Internal, "internal error (ref r-1)"},
		{"refused connection is unavailable, without the address", fmt.Errorf("load matter: %w",
			&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}), codes.Unavailable,
			"the case store is unavailable; retry later (ref r-1)"},
		{"server shutting down is unavailable", fmt.Errorf("save: %w", sqlState("57P01")), codes.Unavailable,
			"the case store is unavailable; retry later (ref r-1)"},
		{"connection dropped mid-query", fmt.Errorf("save: %w", io.ErrUnexpectedEOF), codes.Unavailable,
			"the case store is unavailable; retry later (ref r-1)"},
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
