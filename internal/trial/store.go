package trial

import (
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Store keeps trials and judicial confirmations (table trial_cases), the
// proceedings they came from (trial_sources) and the courts' case-number
// counters (court_number_counters).
type Store struct {
	*filing.Records[*Trial]
	// confirm keeps CONFIRMATION proceedings, in the same table.
	confirm *filing.Records[*Trial]
}

// NewStore returns a Store over the matters of fs.
func NewStore(fs *filing.Store) *Store {
	fresh := func() *Trial { return &Trial{} }
	docs := store.NewDocuments("trial_cases")
	return &Store{Records: filing.NewRecords(fs, filing.KindTrial, "trial", docs, fresh),
		confirm: filing.NewRecords(fs, filing.KindConfirmation, "judicial confirmation", docs, fresh)}
}

// Change is a change of a trial or a judicial confirmation.
type Change = filing.Change[*Trial]

// fromSource reports whether a trial was already opened for the source
// proceeding source (a transfer or a confirmation request).
func fromSource(tx store.Tx, source string) (bool, error) {
	var n int64
	err := tx.Gorm().Table("trial_sources").Where("source_proceeding_id = ?", source).Count(&n).Error
	return n > 0, store.Translate(err)
}

// recordSource records that proceeding id was opened for source.
func recordSource(tx store.Tx, source string, id filing.ProceedingID) error {
	return store.Translate(tx.Gorm().Exec(`INSERT INTO trial_sources (source_proceeding_id, proceeding_id) VALUES (?, ?)`,
		source, string(id)).Error)
}
