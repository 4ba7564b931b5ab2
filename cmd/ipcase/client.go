package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
)

// callServer dials ipcased, runs call under the --timeout and turns its
// error into a command error: field violations become a refusal, anything
// else a failure. flagOf names the flag behind a request field.
func callServer(ctx context.Context, cfg *config, method string,
	call func(context.Context, ipcasev1.DamagesServiceClient) error, flagOf func(string) string,
) error {
	conn, err := dial(cfg)
	if err != nil {
		return &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := call(ctx, ipcasev1.NewDamagesServiceClient(conn)); err != nil {
		return remoteError(cfg, "DamagesService."+method, err, flagOf)
	}
	return nil
}

// remoteError classifies a gRPC error from method ("Service.Method").
func remoteError(cfg *config, method string, err error, flagOf func(string) string) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.InvalidArgument:
		var vs []string
		for _, d := range st.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok {
				for _, fv := range br.GetFieldViolations() {
					vs = append(vs, violation(fv.GetField(), fv.GetDescription(), flagOf))
				}
			}
		}
		if len(vs) == 0 {
			vs = []string{st.Message()}
		}
		return &refusedError{vs}
	case codes.Unauthenticated:
		if cfg.token == "" {
			return &failure{fmt.Errorf("no token: run ipcase login first (or give --token or IPCASE_TOKEN)")}
		}
		return &failure{fmt.Errorf("ipcased at %s refused the credentials: run ipcase login again with a valid token (or set --token or IPCASE_TOKEN)", cfg.server)}
	case codes.PermissionDenied:
		return &failure{fmt.Errorf("ipcased at %s: not allowed: %s", cfg.server, st.Message())}
	case codes.Unavailable:
		return &failure{fmt.Errorf("cannot reach ipcased at %s: %s", cfg.server, unreachable(cfg, st.Message()))}
	case codes.DeadlineExceeded:
		return &failure{fmt.Errorf("ipcased at %s did not answer within %s (--timeout)", cfg.server, cfg.timeout)}
	case codes.Unimplemented:
		return &failure{fmt.Errorf("ipcased at %s does not serve %s (an older server?): %s", cfg.server, method, st.Message())}
	case codes.NotFound:
		return &failure{errors.New(st.Message())} // "matter not found": the message names what is missing
	default:
		// The rest (Internal, Unknown, ResourceExhausted, …) have no advice
		// to give: name the method, the server and the code.
		return &failure{fmt.Errorf("%s at %s: %s: %s", method, cfg.server, st.Code(), st.Message())}
	}
}

// commandError classifies an error of a local calculation the way
// remoteError classifies the server's.
func commandError(err error, flagOf func(string) string) error {
	if err == nil {
		return nil
	}
	var fe *errs.FieldErrors
	if !errors.As(err, &fe) {
		return &failure{err}
	}
	vs := make([]string, len(fe.Violations))
	for i, v := range fe.Violations {
		vs[i] = violation(v.Field, v.Reason, flagOf)
	}
	return &refusedError{vs}
}

// violation renders one refused field as "--flag (field): reason".
func violation(field, reason string, flagOf func(string) string) string {
	if f := flagOf(field); f != "" {
		return fmt.Sprintf("%s (%s): %s", f, field, reason)
	}
	return field + ": " + reason
}

// stripIndex drops list indexes from a field path: "period.proven[1]" →
// "period.proven".
func stripIndex(field string) string {
	var b strings.Builder
	depth := 0
	for _, r := range field {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// atoi reads a list index from a field path; the server writes them, so a
// malformed one is shown as 0 rather than failing the message.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// unreachable says what a connection failure means for the person at the
// keyboard: the wrong port or protocol is far likelier than a broken
// server, and gRPC's own words ("error reading server preface: EOF") do
// not say so.
func unreachable(cfg *config, msg string) string {
	switch {
	case strings.Contains(msg, "frame too large") || strings.Contains(msg, "HTTP/1"):
		return "it answered in HTTP/1, not gRPC: is that the gateway or the status page (8080)? Give ipcased's gRPC port (7070)"
	case strings.Contains(msg, "server preface") && (strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset")) && cfg.tlsCA == "":
		// A TLS listener drops a plaintext client at once; whether the CLI
		// reads EOF or a reset depends on whether the server closed before
		// or after the client's preface arrived.
		return "it closed the connection at once: it expects TLS (the courts' port, 7071, wants a court certificate too); give ipcased's bearer-token port (7070), or --tls-ca if that port uses TLS"
	case (strings.Contains(msg, "first record does not look like a TLS handshake") || strings.Contains(msg, "server gave HTTP response")) && cfg.cert != "":
		return "it does not speak TLS: a court calls the courts' listener (IPCASE_COURT_ADDR, 127.0.0.1:7071 in scripts/dev.sh), not the bearer-token port"
	case strings.Contains(msg, "first record does not look like a TLS handshake") || strings.Contains(msg, "server gave HTTP response"):
		return "it does not speak TLS: leave out --tls-ca"
	case cfg.cert == "" && cfg.tlsCA != "" && (strings.Contains(msg, "certificate required") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "connection reset")):
		return "it ended the TLS handshake (" + msg + "): if that is the courts' listener, it wants a court's certificate: ipcase login --court --cert court.pem --key court-key.pem --ca ca.pem, or use the bearer-token port (7070)"
	case strings.Contains(msg, "connection refused"):
		return "nothing listens there: is ipcased running? (scripts/dev.sh starts it on 127.0.0.1:7070)"
	case strings.Contains(msg, "certificate"):
		return "its certificate was not accepted (" + msg + "): check --tls-ca"
	}
	return msg
}
