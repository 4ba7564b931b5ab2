package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// gormLogger bridges gorm's logger to zap: every statement at Debug, slow
// ones at Warn. Failed statements are logged at Debug only, since the error
// is returned and logged once at the edge.
//
// Statements are logged with their placeholders ($1, $2, …) and never with
// the values bound to them, at every level: a value may be a secret (a
// webhook's signing secret, a sign-in code's digest) or personal data.
// This is gorm's ParameterizedQueries setting, which gorm applies through
// the ParamsFilter method below.
type gormLogger struct {
	logger *zap.Logger
	slow   time.Duration
}

// Only ParamsFilter keeps the values out: gorm interpolates them into the
// SQL handed to Trace unless the logger filters them.
var _ gorm.ParamsFilter = (*gormLogger)(nil)

// recorderParams makes gorm's statement recorder drop values as well. Scan
// (and so Raw(…).Scan) runs its statement through that recorder, whose
// filter is gorm's package variable RecorderParamsFilter rather than our
// logger's, and hands the SQL it recorded to Trace.
var recorderParams sync.Once

func newGormLogger(logger *zap.Logger, slow time.Duration) gormlogger.Interface {
	recorderParams.Do(func() {
		gormlogger.RecorderParamsFilter = func(_ context.Context, sql string, _ ...any) (string, []any) { return sql, nil }
	})
	return &gormLogger{logger: logger, slow: slow}
}

// ParamsFilter drops the values bound to sql, so that only its placeholders
// are logged (gorm's ParameterizedQueries).
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l *gormLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return l }

func (l *gormLogger) Info(_ context.Context, msg string, args ...any) {
	l.logger.Info("gorm", zap.String("detail", msg), zap.Any("args", args))
}

func (l *gormLogger) Warn(_ context.Context, msg string, args ...any) {
	l.logger.Warn("gorm", zap.String("detail", msg), zap.Any("args", args))
}

func (l *gormLogger) Error(_ context.Context, msg string, args ...any) {
	l.logger.Error("gorm", zap.String("detail", msg), zap.Any("args", args))
}

func (l *gormLogger) Trace(_ context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	slow := l.slow > 0 && elapsed > l.slow
	if !slow && !l.logger.Core().Enabled(zap.DebugLevel) {
		return
	}
	sql, rows := fc()
	fields := []zap.Field{zap.String("sql", sql), zap.Int64("rows", rows), zap.Duration("elapsed", elapsed)}
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
		l.logger.Debug("sql failed", append(fields, zap.Error(err))...)
	case slow:
		l.logger.Warn("slow sql", fields...)
	default:
		l.logger.Debug("sql", fields...)
	}
}
