package exchange

import (
	"context"
	"sync"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
)

// Config bounds what the streams of one process may take.
type Config struct {
	// MaxStreams caps the Subscribe streams open at once on this process.
	MaxStreams int `env:"IPCASE_SUBSCRIBE_MAX_STREAMS, default=512"`
	// MaxStreamsPerCaller caps the streams one caller (one token subject,
	// one court certificate) may hold open at once on this process.
	MaxStreamsPerCaller int `env:"IPCASE_SUBSCRIBE_MAX_STREAMS_PER_CALLER, default=8"`
	// Readers caps the streams reading the log through the pool at once,
	// so that streams woken together leave connections to the other calls.
	Readers int `env:"IPCASE_SUBSCRIBE_READERS, default=4"`
}

// The defaults of Config, for fields left zero.
const (
	defaultMaxStreams          = 512
	defaultMaxStreamsPerCaller = 8
	defaultReaders             = 4
)

func (c Config) withDefaults() Config {
	if c.MaxStreams <= 0 {
		c.MaxStreams = defaultMaxStreams
	}
	if c.MaxStreamsPerCaller <= 0 {
		c.MaxStreamsPerCaller = defaultMaxStreamsPerCaller
	}
	if c.Readers <= 0 {
		c.Readers = defaultReaders
	}
	return c
}

// streams counts the open streams, in all and per caller.
type streams struct {
	max, perCaller int

	mu       sync.Mutex
	open     int
	byCaller map[string]int
}

func newStreams(cfg Config) *streams {
	return &streams{max: cfg.MaxStreams, perCaller: cfg.MaxStreamsPerCaller, byCaller: map[string]int{}}
}

// take counts a stream of the caller of ctx, and returns the function that
// uncounts it. Past either cap it returns an error wrapping
// errs.ResourceExhausted, and counts nothing.
func (s *streams) take(ctx context.Context) (func(), error) {
	key := callerKey(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byCaller[key] >= s.perCaller {
		return nil, errs.Errorf(errs.ResourceExhausted,
			"this caller already has %d event streams open, the most allowed; close one, or share one stream among its readers", s.perCaller)
	}
	if s.open >= s.max {
		return nil, errs.Errorf(errs.ResourceExhausted, "the server has as many event streams open as it serves; retry later")
	}
	s.open++
	s.byCaller[key]++
	var once sync.Once
	return func() { once.Do(func() { s.release(key) }) }, nil
}

func (s *streams) release(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	if s.byCaller[key]--; s.byCaller[key] <= 0 {
		delete(s.byCaller, key)
	}
}

// callerKey names the caller of ctx: its role, organisation and subject,
// so that one token, or one court certificate, is one caller. The
// interceptor has authenticated every caller that gets here.
func callerKey(ctx context.Context) string {
	p, _ := auth.FromContext(ctx)
	return string(p.Role) + "\x00" + p.Org() + "\x00" + p.Subject
}
