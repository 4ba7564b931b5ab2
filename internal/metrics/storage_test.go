package metrics_test

import (
	"context"
	"errors"
	"syscall"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/metrics"
)

// TestStorageFullAlertsOncePerChange refuses a hundred calls for a full
// database and checks that operators get the gauge at 1, the refusals
// counted, and one Error line, not a hundred; then that the gauge falls
// back, with one Info line, when a refused method succeeds again.
func TestStorageFullAlertsOncePerChange(t *testing.T) {
	t.Parallel()
	mx := metrics.New()
	core, logs := observer.New(zapcore.InfoLevel)
	mx.AlertTo(zap.New(core))
	call := func(method string, err error) {
		_, _ = mx.UnaryInterceptor()(t.Context(), nil, &grpc.UnaryServerInfo{FullMethod: method}, func(context.Context, any) (any, error) {
			return nil, err
		})
	}
	full := errs.Wrap(errs.StorageFull("db"), errors.New("ERROR: could not extend file: No space left on device (SQLSTATE 53100)"), "storage full")
	for range 100 {
		call("/ipcase.v1.FilingService/SubmitComplaint", full)
	}
	call("/ipcase.v1.FilingService/GetMatter", nil) // a read: says nothing of writes
	if got := gauge(t, mx, "ipcase_storage_full", "db"); got != 1 {
		t.Errorf("ipcase_storage_full{store=db} = %v while full, want 1", got)
	}
	if got := gauge(t, mx, "ipcase_storage_full", "evidence"); got != 0 {
		t.Errorf("ipcase_storage_full{store=evidence} = %v, want 0", got)
	}
	if got := gauge(t, mx, "ipcase_storage_full_refusals_total", "db"); got != 100 {
		t.Errorf("ipcase_storage_full_refusals_total{store=db} = %v, want 100", got)
	}
	if n := logs.FilterLevelExact(zapcore.ErrorLevel).Len(); n != 1 {
		t.Errorf("%d Error lines for 100 refusals; want 1", n)
	}
	call("/ipcase.v1.FilingService/SubmitComplaint", errs.Wrap(errs.Unavailable, syscall.ECONNRESET, "unavailable"))
	call("/ipcase.v1.FilingService/SubmitComplaint", nil)
	if got := gauge(t, mx, "ipcase_storage_full", "db"); got != 0 {
		t.Errorf("ipcase_storage_full{store=db} = %v after a submit succeeded, want 0", got)
	}
	if n := logs.FilterMessage("storage takes writes again").Len(); n != 1 {
		t.Errorf("%d recovery lines; want 1", n)
	}
}

// gauge reads the sample of name whose store label is store.
func gauge(t *testing.T, mx *metrics.Metrics, name, store string) float64 {
	t.Helper()
	fams, err := mx.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "store" && l.GetValue() == store {
					return m.GetGauge().GetValue() + m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{store=%q}", name, store)
	return 0
}
