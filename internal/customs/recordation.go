package customs

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// A recordation is valid for 10 years from the GAC's approval and renewed
// by 10 years at a time; a renewal is applied for within the 6 months
// before it expires (Regulations on Customs Protection of IPR Art. 10).
const (
	termYears     = 10
	renewalMonths = 6
)

// Recordable are the rights customs protects: trademarks, copyrights and
// patents (Regulations on Customs Protection of IPR Art. 2).
var Recordable = []filing.IPType{filing.Trademark, filing.Copyright, filing.PatentInvention, filing.PatentUtilityModel, filing.PatentDesign}

// Recordation is a right recorded with the General Administration of
// Customs. No fee is charged: the GAC stopped charging the recordation fee
// for applications from 2015-11-01 (GAC announcement of 2015, under the
// MoF and NDRC notice Cai Shui [2015] No. 102).
type Recordation struct {
	ID         string
	Number     string
	Holder     filing.Party
	Right      filing.Right
	ApprovedOn civil.Date
	ExpiresOn  civil.Date
	Renewals   int32
	RecordedBy string
	Version    int64
}

// Name is the recordation's resource name.
func (r *Recordation) Name() string { return "recordations/" + r.ID }

// Etag is the recordation's version tag.
func (r *Recordation) Etag() string { return fmt.Sprintf(`"r%d"`, r.Version) }

// termEnd is the last day of a 10-year term that starts on start, the
// start day included (a recordation is in force "from the day" of its
// approval, Regulations on Customs Protection of IPR Art. 10 ¶1): the day
// before the same date 10 years on; a term begun on 29 February, whose
// date does not recur, ends on the last day of February.
func termEnd(start civil.Date) civil.Date {
	end, clamped := start.AddMonths(12 * termYears)
	if clamped {
		return end
	}
	return end.AddDays(-1)
}

// RenewalOpens is the first day a renewal may be applied for: 6 months
// before the recordation expires (Regulations Art. 10 ¶2, "届满前6个月内").
func (r *Recordation) RenewalOpens() civil.Date {
	d, _ := r.ExpiresOn.AddDays(1).AddMonths(-renewalMonths)
	return d
}

// ValidOn says whether the recordation is in force on d.
func (r *Recordation) ValidOn(d civil.Date) bool {
	return !d.Before(r.ApprovedOn) && !d.After(r.ExpiresOn)
}

// Renew renews the recordation on on by 10 years from the day after it
// expires, within the 6 months before that day.
func (r *Recordation) Renew(on civil.Date) error {
	switch {
	case on.After(r.ExpiresOn):
		return errs.Errorf(errs.FailedPrecondition, "recordation %s expired on %s; it is renewed before it expires, "+
			"and an expired one lapses (Regulations on Customs Protection of IPR Art. 10 ¶3)", r.Number, r.ExpiresOn)
	case on.Before(r.RenewalOpens()):
		return errs.Errorf(errs.FailedPrecondition, "recordation %s is renewed within the 6 months before it expires on %s, from %s "+
			"(Regulations on Customs Protection of IPR Art. 10 ¶2)", r.Number, r.ExpiresOn, r.RenewalOpens())
	}
	r.ExpiresOn = termEnd(r.ExpiresOn.AddDays(1))
	r.Renewals++
	return nil
}

type recordationRow struct {
	ID                 string     `gorm:"primaryKey" json:"id"`
	Number             string     `json:"number"`
	HolderPartyID      string     `json:"holder_party_id"`
	IPType             string     `gorm:"column:ip_type" json:"ip_type"`
	RegistrationNumber string     `json:"registration_number"`
	Title              string     `json:"title"`
	ApprovedOn         civil.Date `json:"approved_on"`
	ExpiresOn          civil.Date `json:"expires_on"`
	Renewals           int32      `json:"renewals"`
	RecordedBy         string     `json:"recorded_by"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	Version            int64      `json:"version"`
}

func (recordationRow) TableName() string { return "customs_recordations" }

// Recordations keeps the recordations (table customs_recordations).
type Recordations struct{ filing *filing.Store }

// insert stores r, new, in tx, with its holder (a party filing keeps).
func (rs Recordations) insert(tx store.Tx, r *Recordation, at time.Time) error {
	holder, err := rs.filing.EnsureParty(tx, "rights_holder", r.Holder)
	if err != nil {
		return err
	}
	r.Holder, r.ID, r.Version = holder, uuid.NewString(), 1
	r.Right.Holder = holder.Name
	row := recordationRow{ID: r.ID, Number: r.Number, HolderPartyID: holder.ID, IPType: string(r.Right.Type),
		RegistrationNumber: r.Right.RegNumber, Title: r.Right.Title, ApprovedOn: r.ApprovedOn, ExpiresOn: r.ExpiresOn,
		RecordedBy: r.RecordedBy, CreatedAt: at, UpdatedAt: at, Version: 1}
	if err := tx.Gorm().Create(&row).Error; err != nil {
		err = store.Translate(err)
		if errors.Is(err, errs.AlreadyExists) {
			return errs.Errorf(errs.AlreadyExists, "recordation %s, or a recordation of this right, already exists", r.Number)
		}
		return err
	}
	return nil
}

// load reads recordation id in tx (lockFirst reads it locked). It returns
// an error wrapping errs.NotFound if there is none.
func (rs Recordations) load(tx store.Tx, id string) (*Recordation, error) {
	var rows []recordationRow
	if err := tx.Gorm().Raw(`SELECT * FROM customs_recordations WHERE id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err)
	}
	if len(rows) == 0 {
		return nil, errs.Errorf(errs.NotFound, "recordation not found")
	}
	return rs.loaded(tx, rows[0])
}

// lockFirst is load of recordation id, locked, as a statement to send with
// BEGIN (store.First); lockedIn reads its answer.
func (rs Recordations) lockFirst(id string) (store.First, error) {
	q, err := store.Inline(`SELECT row_to_json(r) FROM customs_recordations r WHERE id = ? FOR UPDATE`, id)
	return store.First{SQL: q}, err
}

// lockedIn is load of the answer of lockFirst.
func (rs Recordations) lockedIn(tx store.Tx, text store.Text) (*Recordation, error) {
	if len(text) == 0 {
		return nil, errs.Errorf(errs.NotFound, "recordation not found")
	}
	var row recordationRow
	if err := json.Unmarshal(text[0][0], &row); err != nil {
		return nil, fmt.Errorf("customs: a recordation read with BEGIN: %w", err)
	}
	return rs.loaded(tx, row)
}

// loaded is the recordation of row, its holder read in tx.
func (rs Recordations) loaded(tx store.Tx, row recordationRow) (*Recordation, error) {
	holder, err := rs.filing.EnsureParty(tx, "rights_holder", filing.Party{ID: row.HolderPartyID, Ref: true})
	if err != nil {
		return nil, err
	}
	return &Recordation{ID: row.ID, Number: row.Number, Holder: holder,
		Right:      filing.Right{Type: filing.IPType(row.IPType), RegNumber: row.RegistrationNumber, Title: row.Title, Holder: holder.Name},
		ApprovedOn: row.ApprovedOn, ExpiresOn: row.ExpiresOn, Renewals: row.Renewals, RecordedBy: row.RecordedBy, Version: row.Version}, nil
}

// update saves r's term after a renewal, in tx, with its COMMIT.
func (rs Recordations) update(tx store.Tx, r *Recordation, at time.Time) error {
	r.Version++
	return tx.WriteAtCommit(store.Write{SQL: `UPDATE customs_recordations SET expires_on = ?, renewals = ?, updated_at = ?, version = ?
		WHERE id = ?`, Args: []any{r.ExpiresOn, r.Renewals, at, r.Version, r.ID}})
}
