package trial

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
	"github.com/ipcase/ipcase/internal/store"
)

// Store keeps trials (table trial_cases).
type Store struct {
	*proceeding.Store[*Trial]
	// confirm keeps CONFIRMATION proceedings, in the same table.
	confirm *proceeding.Store[*Trial]
	db      *gorm.DB
}

// NewStore returns a Store over db; matters are read and locked through fs.
func NewStore(db *gorm.DB, fs *filing.Store) *Store {
	fresh := func() *Trial { return &Trial{} }
	return &Store{Store: proceeding.NewStore(db, fs, "trial_cases", filing.KindTrial, "trial", fresh),
		confirm: proceeding.NewStore(db, fs, "trial_cases", filing.KindConfirmation, "judicial confirmation", fresh), db: db}
}

// in returns the store over tx, for changes inside a consumer's transaction.
func (s *Store) in(tx *gorm.DB) *Store { return NewStore(tx, s.Filing()) }

// Tx is what a change of a trial sees inside its transaction.
type Tx = proceeding.Tx[*Trial]

func newID() string { return uuid.NewString() }

// insert stores t, a new record of a proceeding already saved in db, at
// version 1; its events are the caller's to append.
func insert(db *gorm.DB, t *Trial) error {
	t.Version = 1
	doc, err := json.Marshal(t)
	if err != nil {
		return err
	}
	err = db.Table("trial_cases").Create(map[string]any{"proceeding_id": t.ProceedingID, "matter_id": t.MatterID, "doc": doc, "version": t.Version}).Error
	if err != nil {
		return fmt.Errorf("saving trial: %w", store.Translate(err))
	}
	return nil
}
