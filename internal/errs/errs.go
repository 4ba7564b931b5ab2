// Package errs defines the error categories that ipcase code returns, the
// one table that maps them to gRPC status codes, and what of an error the
// caller is told.
//
// An error meant for the caller is made with Errorf (or Wrap, which keeps a
// cause for the log): its category decides the code and its message is the
// whole of what the caller reads. Code above may wrap it with %w and
// context ("AcceptComplaint(3f0c…): …") for the server's log; Status drops
// that context, so wrap chains, driver text, SQL and connection strings
// never reach a client. Field violations (bad input) travel as
// *FieldErrors and become errdetails.BadRequest on the wire.
package errs

//lint:file-ignore ST1012 the categories read as errs.NotFound; an Err prefix would stutter.

import (
	"context"
	"errors"
	"fmt"
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
	// ResourceExhausted is a limit reached (open streams, a quota): the
	// call may succeed once the caller has released something or waited.
	ResourceExhausted = errors.New("resource exhausted")
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
	{ResourceExhausted, codes.ResourceExhausted},
	{context.Canceled, codes.Canceled},
	{context.DeadlineExceeded, codes.DeadlineExceeded},
}

// outranking are the categories that say the call could not be carried
// out at all: the store was lost, full or too slow, or the call was
// cancelled. Found anywhere in an error's chain they decide its code,
// whatever the code that met them concluded: a lookup cut off by a lost
// connection found nothing, which is not "not found".
var outranking = []struct {
	err  error
	code codes.Code
}{
	{Unavailable, codes.Unavailable},
	{context.DeadlineExceeded, codes.DeadlineExceeded},
	{context.Canceled, codes.Canceled},
	{ResourceExhausted, codes.ResourceExhausted},
}

// Code returns the gRPC code for err's category, or codes.Internal when err
// belongs to none. The database driver's errors get their category from
// store.Translate, the one place that knows them.
func Code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	for _, c := range outranking {
		if errors.Is(err, c.err) {
			return c.code
		}
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
	return codes.Internal
}

// Full is the category of a write refused because a store's storage (the
// database's disk, the evidence folder's file system) is full. It wraps
// ResourceExhausted; Store names the store ("db", "evidence") for the
// alert an operator gets.
type Full struct{ Store string }

// StorageFull returns the category of a full store.
func StorageFull(store string) error { return &Full{Store: store} }

func (f *Full) Error() string { return f.Store + " storage is full" }

// Unwrap makes errors.Is(err, ResourceExhausted) true.
func (f *Full) Unwrap() error { return ResourceExhausted }

// Is makes every Full of the same store match, so that a category made
// twice compares equal.
func (f *Full) Is(target error) bool {
	t, ok := target.(*Full)
	return ok && t.Store == f.Store
}

// Error is an error of one category with a message written for the caller.
type Error struct {
	category error
	msg      string
	cause    error
}

// Errorf returns an error of category (one of the sentinels above) whose
// message, for the caller, is the formatted text: a sentence a user can act
// on ("the trial is JUDGED; it cannot become DOCKETED"), without the
// category's name, which the status code carries.
func Errorf(category error, format string, args ...any) error {
	return &Error{category: category, msg: fmt.Sprintf(format, args...)}
}

// Wrap is Errorf with a cause: the caller reads msg; the log also gets the
// cause (a driver error, say), which the caller never sees.
func Wrap(category, cause error, msg string) error {
	return &Error{category: category, msg: msg, cause: cause}
}

// Error is the message followed, for the log, by the cause.
func (e *Error) Error() string {
	if e.cause == nil {
		return e.msg
	}
	return e.msg + ": " + e.cause.Error()
}

// Message is what the caller is told. Other error types that carry a
// category (through Unwrap) may define Message too; Status tells the caller
// the message of the outermost error in the chain that has one.
func (e *Error) Message() string { return e.msg }

// Unwrap makes errors.Is true for the category and for the cause.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.category}
	}
	return []error{e.category, e.cause}
}

// ownCode is the code of err's own category: for an *Error, that of the
// category it was made with, not of its cause.
func ownCode(err error) codes.Code {
	if e, ok := err.(*Error); ok { //nolint:errorlint // err itself, not its chain
		return Code(e.category)
	}
	return Code(err)
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

func (e *FieldErrors) Error() string { return "invalid argument: " + e.Message() }

// Message is what the caller is told: each field and what is wrong with
// it, "field: reason; field: reason".
func (e *FieldErrors) Message() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Reason
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, InvalidArgument) true.
func (e *FieldErrors) Unwrap() error { return InvalidArgument }

// Status converts err into the gRPC status the caller receives: the code of
// err's category and the message of the *Error (or *FieldErrors, with its
// violations attached as errdetails.BadRequest) it carries — never the
// context wrapped around it. A status made by gRPC itself passes through.
// Anything else is Internal with a reference the logs can be searched for;
// when a category that outranks (a lost store, a deadline) met the error,
// the caller reads what was said of it, not of the lookup it cut short; a
// category wrapped
// without an *Error gets the category's name only. ref is the request id,
// under which the server logs the whole chain.
func Status(err error, ref string) *status.Status {
	code := Code(err)
	if code == codes.Internal || code == codes.Unknown {
		return status.Newf(codes.Internal, "internal error (ref %s)", ref)
	}
	var fe *FieldErrors
	if code == codes.InvalidArgument && errors.As(err, &fe) {
		return badRequest(fe)
	}
	if msg, ok := messageFor(err, code); ok {
		return status.New(code, msg)
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) && se.GRPCStatus().Code() == code {
		return se.GRPCStatus()
	}
	if code == codes.Canceled || code == codes.DeadlineExceeded {
		return status.New(code, code.String())
	}
	for _, c := range codeOf {
		if errors.Is(err, c.err) {
			return status.Newf(code, "%s (ref %s)", c.err.Error(), ref)
		}
	}
	return status.Newf(code, "%s (ref %s)", code, ref)
}

// messageFor finds, depth first, the outermost error in err's tree that
// has a Message for the caller and whose own category gives code: when a
// lost connection outranks the "party not found" wrapped around it, the
// caller reads what was said about the connection.
func messageFor(err error, code codes.Code) (string, bool) {
	if m, ok := err.(interface{ Message() string }); ok && ownCode(err) == code {
		return m.Message(), true
	}
	switch u := err.(type) { //nolint:errorlint // as above
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			return messageFor(next, code)
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if msg, ok := messageFor(next, code); ok {
				return msg, true
			}
		}
	}
	return "", false
}

func badRequest(fe *FieldErrors) *status.Status {
	s := status.New(codes.InvalidArgument, fe.Message())
	br := &errdetails.BadRequest{}
	for _, v := range fe.Violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Reason})
	}
	if d, derr := s.WithDetails(br); derr == nil {
		return d
	}
	return s
}
