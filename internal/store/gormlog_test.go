package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestSQLLogHasNoValues stores a webhook secret with a slow INSERT INTO
// webhooks, as a production server logs it (slow statements at Warn), and
// with every statement logged (Debug), through each of gorm's paths: Exec,
// Raw(…).Scan and Create. The log must name the statements, with their
// placeholders, and never carry the secret.
func TestSQLLogHasNoValues(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	for _, tt := range []struct {
		name  string
		level zapcore.Level
	}{
		{"production, slow statements", zapcore.InfoLevel},
		{"debug, every statement", zapcore.DebugLevel},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			core, logs := observer.New(tt.level)
			// A statement slower than SlowQuery is logged at Warn; pg_sleep
			// makes the INSERT itself take longer than that.
			db, err := store.Open(t.Context(), store.Config{URL: url, MaxOpenConns: 2, SlowQuery: 20 * time.Millisecond}, zap.New(core))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			secret := "whsec_" + strings.ReplaceAll(uuid.NewString(), "-", "")
			owner, party := "holder-"+uuid.NewString(), uuid.NewString()
			g := db.Session(t.Context()).Gorm()
			if err := g.Exec(`INSERT INTO webhooks (id, owner_subject, parties, url, secret, create_time)
				SELECT ?, ?, ARRAY[?]::uuid[], ?, ?, now() FROM pg_sleep(0.05)`,
				uuid.NewString(), owner, party, "https://hooks.example.com/ipcase", secret).Error; err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := g.Raw(`SELECT count(*) FROM webhooks, pg_sleep(0.05) WHERE secret = ?`, secret).Scan(&n).Error; err != nil || n != 1 {
				t.Fatalf("reading the webhook back: %d rows, %v", n, err)
			}
			type webhookRow struct {
				ID           string
				OwnerSubject string
				Parties      string
				URL          string
				Secret       string
				CreateTime   time.Time
			}
			row := webhookRow{ID: uuid.NewString(), OwnerSubject: owner, Parties: "{" + party + "}", URL: "https://hooks.example.com/2", Secret: secret + "2", CreateTime: time.Now()}
			if err := g.Table("webhooks").Create(&row).Error; err != nil {
				t.Fatal(err)
			}

			slow := logs.FilterMessage("slow sql").FilterFieldKey("sql").All()
			if len(slow) == 0 {
				t.Fatal("the slow INSERT was not logged: the test proves nothing")
			}
			insert := false
			for _, e := range slow {
				if sql := e.ContextMap()["sql"].(string); strings.Contains(sql, "INSERT INTO webhooks") {
					insert = true
					if !strings.Contains(sql, "$5") {
						t.Errorf("slow INSERT logged without its placeholders: %s", sql)
					}
				}
			}
			if !insert {
				t.Errorf("no slow INSERT INTO webhooks among %d slow statements", len(slow))
			}
			if tt.level == zapcore.DebugLevel {
				// Create's INSERT has no pg_sleep: Debug logs it, as "sql", or
				// as "slow sql" when the machine is busy.
				created := logs.Filter(func(e observer.LoggedEntry) bool {
					sql, _ := e.ContextMap()["sql"].(string)
					return strings.Contains(sql, `INSERT INTO "webhooks"`)
				})
				if created.Len() == 0 {
					t.Error("at Debug the Create's INSERT was not logged")
				}
			}
			for _, e := range logs.All() {
				b, err := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()).EncodeEntry(e.Entry, e.Context)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range []string{secret, owner, party} {
					if strings.Contains(b.String(), v) {
						t.Errorf("the log carries a bound value %q:\n%s", v, b.String())
					}
				}
			}
		})
	}
}
