// Package errs defines the error categories that ipcase code returns and the
// one table that maps them to gRPC status codes.
//
// Code below the server wraps a category with %w and context; the server's
// error interceptor turns the chain into a status with Status. Field
// violations (bad input) travel as *FieldError values and become
// errdetails.BadRequest on the wire.
package errs

//lint:file-ignore ST1012 the categories read as errs.NotFound; an Err prefix would stutter.

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The categories. Wrap them; compare with errors.Is.
var (
	NotFound           = errors.New("not found")
	InvalidArgument    = errors.New("invalid argument")
	AlreadyExists      = errors.New("already exists")
	FailedPrecondition = errors.New("failed precondition")
	PermissionDenied   = errors.New("permission denied")
	Unauthenticated    = errors.New("unauthenticated")
	Aborted            = errors.New("aborted")
	Unavailable        = errors.New("unavailable")
)

var codeOf = []struct {
	err  error
	code codes.Code
}{
	{NotFound, codes.NotFound},
	{InvalidArgument, codes.InvalidArgument},
	{AlreadyExists, codes.AlreadyExists},
	{FailedPrecondition, codes.FailedPrecondition},
	{PermissionDenied, codes.PermissionDenied},
	{Unauthenticated, codes.Unauthenticated},
	{Aborted, codes.Aborted},
	{Unavailable, codes.Unavailable},
	{context.Canceled, codes.Canceled},
	{context.DeadlineExceeded, codes.DeadlineExceeded},
}

// Code returns the gRPC code for err's category, or codes.Internal when err
// belongs to none.
func Code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	var fe *FieldErrors
	if errors.As(err, &fe) {
		return codes.InvalidArgument
	}
	if s, ok := status.FromError(err); ok && s.Code() != codes.Unknown {
		return s.Code()
	}
	for _, c := range codeOf {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	if connectionLost(err) {
		return codes.Unavailable
	}
	return codes.Internal
}

// connectionLost reports whether err says the database (or another peer)
// could not be reached or went away mid-call: a network error, a dropped
// connection, or a Postgres connection-exception or shutdown SQLSTATE
// (class 08, 57P01–57P03). Such a call is worth retrying, so it is
// Unavailable rather than Internal. The SQLSTATE is read through the
// method pgconn.PgError has, so that errs needs no driver.
func connectionLost(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		switch s := se.SQLState(); {
		case strings.HasPrefix(s, "08"), s == "57P01", s == "57P02", s == "57P03":
			return true
		}
	}
	return false
}

// Violation is one bad field of a request.
type Violation struct {
	// Field is the request-field path, e.g. `respondents[0].credit_code`.
	Field string
	// Reason says what is wrong, in plain words.
	Reason string
}

// FieldErrors collects the violations of one request. It wraps
// InvalidArgument.
type FieldErrors struct {
	Violations []Violation
}

// Field returns an error for a single bad field.
func Field(field, format string, args ...any) error {
	return &FieldErrors{Violations: []Violation{{Field: field, Reason: fmt.Sprintf(format, args...)}}}
}

// Add records a violation of field.
func (e *FieldErrors) Add(field, format string, args ...any) {
	e.Violations = append(e.Violations, Violation{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// Err returns e if it holds a violation and nil otherwise, so that a
// validator can end with `return v.Err()`.
func (e *FieldErrors) Err() error {
	if e == nil || len(e.Violations) == 0 {
		return nil
	}
	return e
}

func (e *FieldErrors) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Reason
	}
	return "invalid argument: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, InvalidArgument) true.
func (e *FieldErrors) Unwrap() error { return InvalidArgument }

// Status converts err into a gRPC status for the client. Categorised errors
// keep their message; field violations are attached as errdetails.BadRequest.
// Anything else becomes Internal with a reference the logs can be searched
// for, so internal details never reach the caller.
func Status(err error, ref string) *status.Status {
	code := Code(err)
	if code == codes.Internal || code == codes.Unknown {
		return status.Newf(codes.Internal, "internal error (ref %s)", ref)
	}
	if s, ok := status.FromError(err); ok {
		return s
	}
	if code == codes.Unavailable && !errors.Is(err, Unavailable) {
		// A lost connection's message names hosts and ports; the caller
		// needs only to know that a retry may succeed.
		return status.Newf(codes.Unavailable, "the case store is unavailable; retry later (ref %s)", ref)
	}
	var fe *FieldErrors
	if !errors.As(err, &fe) {
		return status.New(code, err.Error())
	}
	s := status.New(codes.InvalidArgument, fe.Error())
	br := &errdetails.BadRequest{}
	for _, v := range fe.Violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Reason})
	}
	if d, derr := s.WithDetails(br); derr == nil {
		return d
	}
	return s
}
