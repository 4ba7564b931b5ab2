// Package logging builds the zap logger ipcase uses and carries it in a
// context, so that every log line of a request has its request id, method
// and caller.
package logging

import (
	"context"
	"os"
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
