package webhook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/webhook"
)

// TestWebhookSecretIsNotLogged creates a webhook through the store, with
// every statement logged and every statement slow (a threshold of 1ns): the
// INSERT INTO webhooks is in the log, its secret is not.
func TestWebhookSecretIsNotLogged(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	db, err := store.Open(t.Context(), store.Config{URL: storetest.URL(t), MaxOpenConns: 2, SlowQuery: time.Nanosecond}, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	holder := auth.Principal{Subject: "holder-" + uuid.NewString(), Role: auth.RightsHolder, Parties: []string{uuid.NewString()}}
	_, secret, err := webhook.NewStore(db).Create(t.Context(), holder, "https://hooks.example.com/ipcase", time.Now())
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("Create = %q, %v", secret, err)
	}
	inserted := false
	for _, e := range logs.All() {
		b, err := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()).EncodeEntry(e.Entry, e.Context)
		if err != nil {
			t.Fatal(err)
		}
		line := b.String()
		inserted = inserted || (e.Message == "slow sql" && strings.Contains(line, "INSERT INTO webhooks"))
		if strings.Contains(line, secret) || strings.Contains(line, strings.TrimPrefix(secret, "whsec_")) {
			t.Errorf("the log carries the webhook's secret:\n%s", line)
		}
	}
	if !inserted {
		t.Error("no slow INSERT INTO webhooks was logged: the test proves nothing")
	}
}
