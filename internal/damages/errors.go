package damages

import (
	"fmt"
	"strings"
)

// InputError is one refused request field: Field is its snake_case path in
// the request ("periods[0].base", "statutory_amount") and Reason says which
// rule refused it, naming the article.
type InputError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error returns "field: reason".
func (e InputError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// InputErrors is every refused field of one request, in request order.
// Calculate, CalculateFine and CheckFine return it (never empty) for every
// refusal, so errors.As(err, new(InputErrors)) recovers the whole list and
// errors.As(err, new(InputError)) the first.
type InputErrors []InputError

// Error joins the messages with "; ".
func (es InputErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.As and errors.Is reach each InputError.
func (es InputErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// refusals collects InputErrors while a request is checked.
type refusals struct{ list InputErrors }

func (r *refusals) add(field, format string, args ...any) {
	r.list = append(r.list, InputError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (r *refusals) any() bool { return len(r.list) > 0 }

// err returns the collected refusals as an error, or nil.
func (r *refusals) err() error {
	if len(r.list) == 0 {
		return nil
	}
	return r.list
}
