// Package logging builds the zap logger ipcase uses and carries it, and the
// request id, in a context, so that every log line of a request has its
// request id, method and caller, and what a request writes can name it.
package logging

import (
	"context"
	"os"
	"regexp"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewFromEnv builds a logger from IPCASE_LOG_MODE (`development` gives
// console output; anything else JSON) and IPCASE_LOG_LEVEL (debug, info,
// warn, error; default info).
func NewFromEnv() *zap.Logger {
	level := zapcore.InfoLevel
	if l := os.Getenv("IPCASE_LOG_LEVEL"); l != "" {
		if err := level.UnmarshalText([]byte(strings.ToLower(l))); err != nil {
			level = zapcore.InfoLevel
		}
	}
	var cfg zap.Config
	if os.Getenv("IPCASE_LOG_MODE") == "development" {
		cfg = zap.NewDevelopmentConfig()
	} else {
		cfg = zap.NewProductionConfig()
		cfg.EncoderConfig.TimeKey = "time"
		cfg.EncoderConfig.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	}
	cfg.Level = zap.NewAtomicLevelAt(level)
	logger, err := cfg.Build()
	if err != nil {
		// Build fails only on a bad sink path, and we use stderr.
		return zap.NewNop()
	}
	return logger
}

type loggerKey struct{}

// WithLogger returns a context that carries logger.
func WithLogger(ctx context.Context, logger *zap.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, logger)
}

// FromContext returns the logger in ctx, or a no-op logger if there is none.
func FromContext(ctx context.Context) *zap.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*zap.Logger); ok {
		return l
	}
	return zap.NewNop()
}

// requestIDPattern is the form of a request id, whether the client sent it
// (the x-request-id header, a request's request_id field) or the server
// made it.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// ValidRequestID says whether id has the form of a request id: 1–64
// letters, digits and . _ : -.
func ValidRequestID(id string) bool { return requestIDPattern.MatchString(id) }

type requestIDKey struct{}

// WithRequestID returns a context that carries the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
