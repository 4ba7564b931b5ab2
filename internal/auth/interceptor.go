package auth

import (
	"context"
	"fmt"
	"strings"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/logging"
)

// Authenticator turns a call's credentials into a Principal: a verified
// court client certificate, else a bearer token.
type Authenticator struct {
	tokens *Verifier
}

// NewAuthenticator returns an Authenticator that checks tokens with v.
func NewAuthenticator(v *Verifier) *Authenticator {
	if v == nil {
		panic("auth.NewAuthenticator: nil verifier")
	}
	return &Authenticator{tokens: v}
}

// errRefused is all a refused caller learns; the reason goes to the log.
var errRefused = errs.Errorf(errs.Unauthenticated, "credentials missing, expired or not recognised")

func (a *Authenticator) authenticate(ctx context.Context) (Principal, error) {
	if pr, ok := peer.FromContext(ctx); ok {
		if ti, ok := pr.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 {
			leaf := ti.State.VerifiedChains[0][0]
			code, err := CourtFromCert(leaf)
			if err != nil {
				return Principal{}, err
			}
			return Principal{Subject: CourtURI(code).String(), Role: Court, Court: code}, nil
		}
	}
	md, _ := metadata.FromIncomingContext(ctx)
	h := md.Get("authorization")
	switch {
	case len(h) == 0:
		return Principal{}, fmt.Errorf("no bearer token and no client certificate")
	case len(h) > 1:
		// Which one would count is a guess another component in the path
		// might make differently: refuse rather than pick.
		return Principal{}, fmt.Errorf("%d authorization headers; send one", len(h))
	}
	// The scheme is case-insensitive (RFC 9110 §11.1): "bearer" is Bearer.
	scheme, token, ok := strings.Cut(h[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Principal{}, fmt.Errorf("authorization header is not a bearer token")
	}
	return a.tokens.Verify(ctx, token)
}

// Caller names who a call's credentials verify as — a court's
// certificate on the connection in ctx, else the bearer token in header —
// as "role subject", or "" when there are none or they do not verify. The
// server's admission gate calls it as a call's headers arrive, before the
// request and the interceptors, to tell signed-in callers from anonymous
// ones; it logs nothing (the interceptor logs the refusal).
func (a *Authenticator) Caller(ctx context.Context, header metadata.MD) string {
	p, err := a.authenticate(metadata.NewIncomingContext(ctx, header))
	if err != nil {
		return ""
	}
	return string(p.Role) + " " + p.Subject
}

// check applies the policy to a call of method: public methods pass; others
// need a principal whose role the method allows.
func (a *Authenticator) check(ctx context.Context, method string) (context.Context, error) {
	r, ok := policy[method]
	if !ok {
		return nil, errs.Errorf(errs.PermissionDenied, "%s has no access policy", method)
	}
	if r.public {
		return ctx, nil
	}
	p, err := a.authenticate(ctx)
	if err != nil {
		logging.FromContext(ctx).Info("authentication refused", zap.String("reason", err.Error()))
		return nil, errRefused
	}
	if _, ok := r.roles[p.Role]; !ok {
		return nil, errs.Errorf(errs.PermissionDenied, "role %s may not call %s", p.Role, method)
	}
	if p.Session() && !sessionMay[method] {
		return nil, errs.Errorf(errs.PermissionDenied, "a sign-in session may only read its own matter; %s needs a rights holder's full token", method)
	}
	ctx = WithPrincipal(ctx, p)
	fields := []zap.Field{zap.String("subject", p.Subject), zap.String("role", string(p.Role)), zap.String("org", p.Org())}
	if p.Session() {
		fields = append(fields, zap.String("session_matter_id", p.Matter))
	}
	return logging.WithLogger(ctx, logging.FromContext(ctx).With(fields...)), nil
}

// UnaryInterceptor authenticates and authorizes unary calls.
func (a *Authenticator) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		ctx, err := a.check(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// StreamInterceptor authenticates and authorizes streaming calls.
func (a *Authenticator) StreamInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
		ctx, err := a.check(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return next(srv, &principalStream{ServerStream: ss, ctx: ctx})
	}
}

type principalStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *principalStream) Context() context.Context { return s.ctx }
