package deadline_test

import (
	"testing"

	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// storeOpen opens a pool of its own on the database at url, closed when t
// ends.
func storeOpen(t *testing.T, url string) (*gorm.DB, error) {
	db, err := store.Open(t.Context(), store.Config{URL: url, MaxOpenConns: 5}, zap.NewNop())
	if err == nil {
		t.Cleanup(func() { _ = store.Close(db) })
	}
	return db, err
}
