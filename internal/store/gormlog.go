package store

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// gormLogger bridges gorm's logger to zap: every statement at Debug, slow
// ones at Warn. Failed statements are logged at Debug only, since the error
// is returned and logged once at the edge.
type gormLogger struct {
	logger *zap.Logger
	slow   time.Duration
}

func newGormLogger(logger *zap.Logger, slow time.Duration) gormlogger.Interface {
	return &gormLogger{logger: logger, slow: slow}
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
