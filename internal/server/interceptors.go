package server

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/logging"
)

// RequestIDHeader is the metadata key that carries a request id in and out;
// the gateway forwards X-Request-Id under it.
const RequestIDHeader = "x-request-id"

// RequestID returns the request id of ctx.
func RequestID(ctx context.Context) string { return logging.RequestID(ctx) }

// withRequestID takes the caller's request id if it is well formed, or makes
// one, and echoes it in the response header.
func withRequestID(ctx context.Context) context.Context {
	var id string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(RequestIDHeader); len(v) > 0 && logging.ValidRequestID(v[0]) {
			id = v[0]
		}
	}
	if id == "" {
		id = uuid.NewString()
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDHeader, id))
	return logging.WithRequestID(ctx, id)
}

// requestIDUnary and requestIDStream are the first interceptors: they
// also tell the gate that the call's request has arrived (a unary call's
// interceptors run once it has; a stream's as it starts).
func requestIDUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	requestArrived(ctx)
	return next(withRequestID(ctx), req)
}

func requestIDStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	requestArrived(ss.Context())
	return next(srv, &ctxStream{ServerStream: ss, ctx: withRequestID(ss.Context())})
}

// loggingUnary puts a logger with request_id and method in ctx and logs each
// call once, when it ends: Error for internal failures (with the full error
// chain, which the client never sees), Info otherwise.
func loggingUnary(base *zap.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		logger := base.With(zap.String("request_id", RequestID(ctx)), zap.String("method", info.FullMethod))
		start := time.Now()
		resp, err := next(logging.WithLogger(ctx, logger), req)
		logCall(logger, start, err)
		return resp, err
	}
}

func loggingStream(base *zap.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) error {
		logger := base.With(zap.String("request_id", RequestID(ss.Context())), zap.String("method", info.FullMethod))
		start := time.Now()
		err := next(srv, &ctxStream{ServerStream: ss, ctx: logging.WithLogger(ss.Context(), logger)})
		logCall(logger, start, err)
		return err
	}
}

// callError carries the original error past errorsUnary, which has already
// turned it into a status, so that the log line keeps the whole chain.
type callError struct {
	st    *status.Status
	cause error
}

func (e *callError) Error() string              { return e.cause.Error() }
func (e *callError) GRPCStatus() *status.Status { return e.st }

func logCall(logger *zap.Logger, start time.Time, err error) {
	code := status.Code(err)
	fields := []zap.Field{zap.String("code", code.String()), zap.Duration("elapsed", time.Since(start))}
	var ce *callError
	if errors.As(err, &ce) {
		fields = append(fields, zap.NamedError("cause", ce.cause))
	}
	if code == codes.Internal || code == codes.Unknown {
		logger.Error("call failed", fields...)
		return
	}
	logger.Info("call", fields...)
}

// deadlineUnary gives a call the deadline d from now unless its client
// set an earlier one: no unary call may hold a pool connection, a lock or
// a goroutine for longer. It runs inside errorsUnary, so that the
// deadline's end is reported as DEADLINE_EXCEEDED like the client's own.
// Streams (Subscribe, uploads) last as long as their client wants.
func deadlineUnary(d time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
			return next(ctx, req)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return next(ctx, req)
	}
}

func recoveryUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return next(ctx, req)
}

func recoveryStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return next(srv, ss)
}

// errorsUnary maps a handler's error to a status through errs.Status;
// uncategorised errors become Internal with the request id as reference.
// The status is bounded to fit the trailers clients accept (trailer.go).
func errorsUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	resp, err := next(ctx, req)
	if err != nil {
		return nil, &callError{st: bounded(errs.Status(err, RequestID(ctx))), cause: err}
	}
	return resp, nil
}

func errorsStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	if err := next(srv, ss); err != nil {
		return &callError{st: bounded(errs.Status(err, RequestID(ss.Context()))), cause: err}
	}
	return nil
}

type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }
