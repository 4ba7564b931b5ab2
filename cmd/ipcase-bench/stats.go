package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Result is what one load run measured: every successful call's latency,
// the failed calls, and the wall time the calls ran in.
type Result struct {
	What      string
	Latencies []time.Duration
	Errors    int
	Elapsed   time.Duration
	// FirstError is kept so that a run that fails entirely says why.
	FirstError string
}

// Throughput is successful calls per second of wall time.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// Percentile returns the latency below or at which p percent of the calls
// completed, by the nearest-rank method (the smallest sample with at least
// p% of the samples at or below it), so it is always an observed latency.
// Latencies must be sorted. It returns 0 with no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Line is the run as one machine-readable line of key=value pairs, what
// scripts/bench.sh parses.
func (r Result) Line() string {
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
	line := fmt.Sprintf("RESULT what=%s ops=%d errors=%d elapsed_s=%.3f ops_per_s=%.1f p50_ms=%s p99_ms=%s max_ms=%s",
		r.What, len(s), r.Errors, r.Elapsed.Seconds(), r.Throughput(), ms(Percentile(s, 50)), ms(Percentile(s, 99)), ms(Percentile(s, 100)))
	if r.FirstError != "" {
		line += fmt.Sprintf(" first_error=%q", r.FirstError)
	}
	return line
}
