package main

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/filing"
)

func ms(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	for _, tt := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample is every percentile", ms(7), 99, 7 * time.Millisecond},
		{"median of 1..100 is the 50th sample", hundred, 50, 50 * time.Millisecond},
		{"p99 of 1..100 is the 99th sample", hundred, 99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 100, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, 1 * time.Millisecond},
		// Nearest rank: ceil(0.99 * 10) = 10, the largest of ten.
		{"p99 of ten samples is the largest", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 1000), 99, 1000 * time.Millisecond},
		{"p50 of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p50 of five is the third", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestResultLine(t *testing.T) {
	t.Parallel()
	// Unsorted on purpose: Line sorts a copy.
	r := Result{What: "get", Latencies: ms(30, 10, 20, 40), Errors: 2, Elapsed: 2 * time.Second}
	if got, want := r.Throughput(), 2.0; got != want {
		t.Errorf("Throughput() = %v, want %v (4 calls in 2 s)", got, want)
	}
	want := "RESULT what=get ops=4 errors=2 elapsed_s=2.000 ops_per_s=2.0 p50_ms=20.000 p99_ms=40.000 max_ms=40.000"
	if got := r.Line(); got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	if r.Latencies[0] != 30*time.Millisecond {
		t.Error("Line sorted the caller's latencies in place")
	}
	if got := (Result{}).Throughput(); got != 0 {
		t.Errorf("Throughput of an empty run = %v, want 0", got)
	}
}

// TestDriveCounts checks that drive counts each successful call of the
// measured window once, counts failures apart, and measures throughput
// over the window.
func TestDriveCounts(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	boom := errors.New("boom")
	res := drive(t.Context(), "t", 4, 50*time.Millisecond, 300*time.Millisecond, func(ctx context.Context, w int) error {
		if calls.Add(1)%10 == 0 {
			return boom
		}
		return nil
	})
	total := calls.Load()
	got := int64(len(res.Latencies) + res.Errors)
	if got == 0 || got > total {
		t.Fatalf("counted %d calls (%d ok, %d failed) of %d made", got, len(res.Latencies), res.Errors, total)
	}
	// Calls in the warm-up are not counted, so fewer were counted than made.
	if got == total {
		t.Errorf("all %d calls were counted: the warm-up was measured", total)
	}
	if res.Errors == 0 || res.FirstError != "boom" {
		t.Errorf("errors = %d, first %q; want every tenth call failed with boom", res.Errors, res.FirstError)
	}
	if ratio := float64(res.Errors) / float64(got); ratio < 0.05 || ratio > 0.15 {
		t.Errorf("%d of %d counted calls failed; want about a tenth", res.Errors, got)
	}
	if res.Elapsed != 300*time.Millisecond {
		t.Errorf("Elapsed = %v, want the measured window 300ms", res.Elapsed)
	}
	if want := float64(len(res.Latencies)) / 0.3; res.Throughput() != want {
		t.Errorf("Throughput() = %v, want %v", res.Throughput(), want)
	}
}

// TestDriveExhausted checks that a run that runs out of work stops early
// and is measured over the time it ran, not the time it was given.
func TestDriveExhausted(t *testing.T) {
	t.Parallel()
	var left atomic.Int64
	left.Store(500)
	start := time.Now()
	res := drive(t.Context(), "t", 4, 0, 20*time.Second, func(ctx context.Context, w int) error {
		if left.Add(-1) < 0 {
			return errExhausted
		}
		return nil
	})
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("the run took %v: it did not stop when the work ran out", took)
	}
	if len(res.Latencies) != 500 || res.Errors != 0 {
		t.Errorf("counted %d ok and %d failed, want the 500 calls that had work", len(res.Latencies), res.Errors)
	}
	if res.Elapsed >= 20*time.Second || res.Elapsed <= 0 {
		t.Errorf("Elapsed = %v, want the time the work lasted", res.Elapsed)
	}
}

func TestCreditCode(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, ns := range []string{nsHolder, nsRepeat, nsSeeded, nsSubmitted} {
		for _, n := range []uint64{0, 1, 2, 30, 31, 961, 123456789, 1 << 40, 1<<63 - 1} {
			c := creditCode(ns, n)
			if err := filing.CheckCreditCode(c); err != nil {
				t.Errorf("creditCode(%s, %d) = %s: %v", ns, n, c, err)
			}
			if !strings.HasPrefix(c, ns) {
				t.Errorf("creditCode(%s, %d) = %s, not in its namespace", ns, n, c)
			}
			if seen[c] {
				t.Errorf("creditCode(%s, %d) = %s twice", ns, n, c)
			}
			seen[c] = true
		}
	}
	// helpers.sql computes the same codes for pgbench; this one it was
	// checked against.
	if got, want := creditCode(nsHolder, 2), "91000000000000002R"; got != want {
		t.Errorf("creditCode(91, 2) = %s, want %s", got, want)
	}
}
