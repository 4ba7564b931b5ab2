package store

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Documents is a table of JSON documents, one per proceeding, with the
// columns proceeding_id, matter_id, doc (jsonb) and version: the records
// that the proceedings packages keep of their proceedings. The package that
// owns the table names it; Documents only reads and writes rows of it.
type Documents struct{ table string }

// NewDocuments returns the documents of table.
func NewDocuments(table string) Documents { return Documents{table: table} }

type documentRow struct {
	MatterID string
	Doc      []byte
	Version  int64
}

// Get decodes the document of proceedingID into doc and returns its matter
// and version; ok is false when there is none.
func (d Documents) Get(tx Tx, proceedingID string, doc any) (matterID string, version int64, ok bool, err error) {
	var rows []documentRow
	if err := tx.g.Table(d.table).Select("matter_id, doc, version").Where("proceeding_id = ?", proceedingID).
		Limit(1).Find(&rows).Error; err != nil {
		return "", 0, false, Translate(err)
	}
	if len(rows) == 0 {
		return "", 0, false, nil
	}
	if err := json.Unmarshal(rows[0].Doc, doc); err != nil {
		return "", 0, false, fmt.Errorf("store: %s %s: %w", d.table, proceedingID, err)
	}
	return rows[0].MatterID, rows[0].Version, true, nil
}

// GetText is Get as a statement without parameters, for a change to send
// with BEGIN (IdempotentAfter) and read with FromText.
func (d Documents) GetText(proceedingID string) (string, error) {
	id, err := quote(proceedingID)
	if err != nil {
		return "", err
	}
	return "SELECT matter_id, version, doc FROM " + d.table + " WHERE proceeding_id = " + id, nil
}

// ProceedingsText is a statement without parameters, for a change to send
// with BEGIN, of the proceedings of matterID that have a document.
func (d Documents) ProceedingsText(matterID string) (string, error) {
	id, err := quote(matterID)
	if err != nil {
		return "", err
	}
	return "SELECT proceeding_id FROM " + d.table + " WHERE matter_id = " + id, nil
}

// OfMatterText is GetText of every document of the matter whose id the
// subquery matter gives, each row led by its proceeding's id.
func (d Documents) OfMatterText(matter string) string {
	return "SELECT proceeding_id, matter_id, version, doc FROM " + d.table + " WHERE matter_id = (" + matter + ")"
}

// FromText is Get of the answer of GetText.
func (d Documents) FromText(rows Text, proceedingID string, doc any) (matterID string, version int64, ok bool, err error) {
	if len(rows) == 0 {
		return "", 0, false, nil
	}
	if len(rows[0]) != 3 {
		return "", 0, false, fmt.Errorf("store: %s %s: %d columns", d.table, proceedingID, len(rows[0]))
	}
	if version, err = strconv.ParseInt(string(rows[0][1]), 10, 64); err != nil {
		return "", 0, false, fmt.Errorf("store: %s %s: version: %w", d.table, proceedingID, err)
	}
	if err := json.Unmarshal(rows[0][2], doc); err != nil {
		return "", 0, false, fmt.Errorf("store: %s %s: %w", d.table, proceedingID, err)
	}
	return string(rows[0][0]), version, true, nil
}

// InsertWrite is the insert of doc as the document of proceedingID of
// matterID at version, as a Write to send with the change's others.
func (d Documents) InsertWrite(proceedingID, matterID string, version int64, doc any) (Write, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return Write{}, err
	}
	return Write{SQL: "INSERT INTO " + d.table + " (proceeding_id, matter_id, doc, version) VALUES (?, ?, ?, ?)",
		Args: []any{proceedingID, matterID, string(b), version}}, nil
}

// UpdateWrite is the replacement of the document of proceedingID with doc
// at version, as a Write to send with the change's others.
func (d Documents) UpdateWrite(proceedingID string, version int64, doc any) (Write, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return Write{}, err
	}
	return Write{SQL: "UPDATE " + d.table + " SET doc = ?, version = ? WHERE proceeding_id = ?",
		Args: []any{string(b), version, proceedingID}}, nil
}
