package evidence

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// File is one recorded upload.
type File struct {
	// ID names the upload (evidenceFiles/{ID}).
	ID string
	// Stored has the digest and size. Deduplicated says whether the same
	// uploader had uploaded the same content within the quota window
	// (Limits.UncitedTTL): it never depends on another caller's uploads.
	Stored
	// MediaType is the declared `type/subtype`, lower case.
	MediaType string
	// Name is the uploader's file name, possibly empty.
	Name string
	// Uploader is who uploaded it.
	Uploader events.Actor
	// Created is when the upload completed.
	Created time.Time
	// Cited is when the cleaner first found a matter citing the content;
	// nil until then.
	Cited *time.Time
}

// Store records uploads in Postgres.
type Store struct {
	db *store.DB
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store {
	if db == nil {
		panic("evidence.NewStore: nil db")
	}
	return &Store{db: db}
}

type fileRow struct {
	ID              string `gorm:"primaryKey"`
	Sha256          string
	SizeBytes       int64
	MediaType       string
	FileName        string
	Deduplicated    bool
	UploaderSubject string
	UploaderRole    string
	UploaderOrg     string
	CreateTime      time.Time
	CitedTime       *time.Time
}

func (fileRow) TableName() string { return "evidence_files" }

// The classes of the transaction-level advisory locks (the two-integer
// form, whose second integer is hashtext of the key).
const (
	// contentLock is taken on a digest: shared by the citations of the
	// content, exclusive by an upload placing it and by the cleaner
	// removing it, so that content is never removed under an upload or a
	// citation of it ("ipcd").
	contentLock int32 = 0x69706364
	// uploaderLock serializes the uploads of one uploader, so that its
	// quota and rate are checked against every upload it completed
	// ("ipcu").
	uploaderLock int32 = 0x69706375
)

func lockContent(tx store.Tx, digest string, shared bool) error {
	fn := "pg_advisory_xact_lock"
	if shared {
		fn = "pg_advisory_xact_lock_shared"
	}
	return store.Translate(tx.Gorm().Exec(`SELECT `+fn+`(?, hashtext(?))`, contentLock, digest).Error)
}

// usage is what an uploader has done lately.
type usage struct {
	// Recent is how many uploads it made within the rate window.
	Recent int64
	// Used is the size of the distinct content it uploaded within the
	// quota window.
	Used int64
	// Again says whether that content includes the digest asked about.
	Again bool
}

// usageOf reads a's usage at now, and whether a uploaded digest within
// the quota window. It reads a's own uploads within the windows only,
// which the cleaner never removes.
func usageOf(tx store.Tx, a events.Actor, digest string, now time.Time, l Limits) (usage, error) {
	var u usage
	err := tx.Gorm().Raw(`SELECT
		(SELECT count(*) FROM evidence_files WHERE uploader_role = @role AND uploader_subject = @subject AND create_time > @rate_since) AS recent,
		(SELECT COALESCE(sum(size_bytes), 0) FROM (SELECT DISTINCT ON (sha256) size_bytes FROM evidence_files
			WHERE uploader_role = @role AND uploader_subject = @subject AND create_time > @quota_since ORDER BY sha256) d) AS used,
		EXISTS (SELECT 1 FROM evidence_files WHERE uploader_role = @role AND uploader_subject = @subject
			AND create_time > @quota_since AND sha256 = @sha256) AS again`,
		map[string]any{"role": a.Role, "subject": a.Subject, "rate_since": now.Add(-l.RateWindow),
			"quota_since": now.Add(-l.UncitedTTL), "sha256": digest}).Scan(&u).Error
	if err != nil {
		return usage{}, fmt.Errorf("evidence: usage: %w", store.Translate(err))
	}
	return u, nil
}

// admit refuses an upload of size bytes (negative: not known yet) when u
// is at the rate, or when the upload would take the uploader past its
// quota; content it uploaded within the quota window already costs
// nothing.
func (u usage) admit(size int64, l Limits) error {
	if u.Recent >= int64(l.Rate) {
		return errs.Errorf(errs.ResourceExhausted, "upload rate exceeded: at most %d uploads per %s per uploader; retry later", l.Rate, l.RateWindow)
	}
	if u.Again {
		return nil
	}
	if u.Used+max(size, 0) > l.UploaderBytes || (size < 0 && u.Used >= l.UploaderBytes) {
		return errs.Errorf(errs.ResourceExhausted, "upload quota exceeded: you uploaded %d bytes within the last %s, and this file would take you past the limit of %d bytes per uploader; uploads older than that no longer count",
			u.Used, l.UncitedTTL, l.UploaderBytes)
	}
	return nil
}

// admit checks, before any content arrives, that a may upload size bytes
// (negative: not declared) at now.
func (s *Store) admit(ctx context.Context, a events.Actor, size int64, now time.Time, l Limits) error {
	u, err := usageOf(s.db.Session(ctx), a, "", now, l)
	if err != nil {
		return err
	}
	return u.admit(size, l)
}

// commit records upload f and places its staged content, in one
// transaction under the uploader's lock, so that concurrent uploads of one
// uploader are counted against its limits one after the other, and under
// the content's lock, so that the cleaner cannot remove the content
// between its placing and its row. It sets f.Deduplicated. Content that
// commit placed is removed again if the row cannot be written.
func (s *Store) commit(ctx context.Context, f *File, st *Staged, files *Files, l Limits) error {
	return s.db.InTx(ctx, func(tx store.Tx) error {
		if err := tx.Gorm().Exec(`SELECT pg_advisory_xact_lock(?, hashtext(?))`, uploaderLock, uploaderKey(f.Uploader)).Error; err != nil {
			return fmt.Errorf("evidence: %w", store.Translate(err))
		}
		u, err := usageOf(tx, f.Uploader, f.SHA256, f.Created, l)
		if err != nil {
			return err
		}
		if err := u.admit(f.Size, l); err != nil {
			return err
		}
		f.Deduplicated = u.Again
		if err := lockContent(tx, f.SHA256, false); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		existed, err := st.Place()
		if err != nil {
			return err
		}
		row := fileRow{ID: f.ID, Sha256: f.SHA256, SizeBytes: f.Size, MediaType: f.MediaType, FileName: f.Name,
			Deduplicated: f.Deduplicated, UploaderSubject: f.Uploader.Subject, UploaderRole: f.Uploader.Role,
			UploaderOrg: f.Uploader.Org, CreateTime: f.Created}
		if err := tx.Gorm().Create(&row).Error; err != nil {
			if !existed {
				_ = files.Remove(f.SHA256) // no row refers to it; the content lock is still held
			}
			return fmt.Errorf("evidence: recording upload %s: %w", f.ID, store.Translate(err))
		}
		return nil
	})
}

// Get returns upload id. It returns an error wrapping errs.NotFound if
// there is none.
func (s *Store) Get(ctx context.Context, id string) (File, error) {
	var rows []fileRow
	if err := s.db.Session(ctx).Gorm().Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return File{}, fmt.Errorf("evidence: %w", store.Translate(err))
	}
	if len(rows) == 0 {
		return File{}, errs.Errorf(errs.NotFound, "evidence file %s not found", id)
	}
	r := rows[0]
	return File{ID: r.ID, Stored: Stored{SHA256: r.Sha256, Size: r.SizeBytes, Deduplicated: r.Deduplicated},
		MediaType: r.MediaType, Name: r.FileName, Created: r.CreateTime, Cited: r.CitedTime,
		Uploader: events.Actor{Subject: r.UploaderSubject, Role: r.UploaderRole, Org: r.UploaderOrg}}, nil
}

// Cite returns the function a matter store calls when a matter comes to
// cite evidence (filing.Store.OnCite): sizes maps every digest the matter
// will cite to the size its citation declares. It answers the statements
// the matter's transaction sends first, in one round trip with its own
// (store.Tx.Together), and the check of their answers. The first takes
// the content locks shared, so that the cleaner does not remove content
// while it is being cited; the second, which runs after it, reads the
// sizes the caller uploaded. The check refuses with RESOURCE_EXHAUSTED a
// matter whose evidence would exceed l.MatterBytes. An item counts at its
// declared size, or at the size the caller (the principal in ctx) uploaded
// it at within l.UncitedTTL if that is larger: the caller's own uploads
// only, so that the answer tells nobody what others uploaded. The zero
// Limits are DefaultLimits.
func (s *Store) Cite(l Limits, now func() time.Time) func(ctx context.Context, sizes map[string]int64) ([]store.Query, func([][]string) error) {
	l = l.orDefault()
	return func(ctx context.Context, sizes map[string]int64) ([]store.Query, func([][]string) error) {
		digests := make([]string, 0, len(sizes))
		for d := range sizes {
			if request.IsSHA256(d) {
				digests = append(digests, d)
			}
		}
		if len(digests) == 0 {
			return nil, nil
		}
		slices.Sort(digests)
		a := events.ActorFrom(ctx)
		qs := []store.Query{
			{SQL: `SELECT pg_advisory_xact_lock_shared(?, hashtext(d))::text FROM unnest(string_to_array(?, ',')) AS d`,
				Args: []any{contentLock, strings.Join(digests, ",")}},
			// Each digest the caller uploaded and its largest size, as "<digest> <size>".
			{SQL: `SELECT sha256 || ' ' || max(size_bytes) FROM evidence_files
				WHERE uploader_role = ? AND uploader_subject = ? AND create_time > ? AND sha256 IN ? GROUP BY sha256`,
				Args: []any{a.Role, a.Subject, now().Add(-l.UncitedTTL), digests}},
		}
		check := func(answers [][]string) error {
			total := int64(0)
			for _, d := range digests {
				total += sizes[d]
			}
			for _, own := range answers[1] {
				d, size, _ := strings.Cut(own, " ")
				n, err := strconv.ParseInt(size, 10, 64)
				if err != nil {
					return fmt.Errorf("evidence: citing: the size of %s: %w", d, err)
				}
				total += max(0, n-sizes[d])
			}
			if total > l.MatterBytes {
				return errs.Errorf(errs.ResourceExhausted, "evidence quota exceeded: the matter would cite %d bytes of evidence, over the limit of %d bytes per matter", total, l.MatterBytes)
			}
			return nil
		}
		return qs, check
	}
}

// Cited says which of digests some matter cites, in tx:
// filing.Store.EvidenceCited, the owner of the citations.
type Cited func(tx store.Tx, digests []string) (map[string]bool, error)

// uncited returns up to n digests, after after in order, of uploads
// created before cutoff that are not known to be cited.
func (s *Store) uncited(ctx context.Context, cutoff time.Time, after string, n int) ([]string, error) {
	var ds []string
	err := s.db.Session(ctx).Gorm().Raw(`SELECT DISTINCT sha256 FROM evidence_files
		WHERE cited_time IS NULL AND create_time < ? AND sha256 > ? ORDER BY sha256 LIMIT ?`, cutoff, after, n).Scan(&ds).Error
	if err != nil {
		return nil, fmt.Errorf("evidence: uncited uploads: %w", store.Translate(err))
	}
	return ds, nil
}

// removal is what removeUncited did with one digest.
type removal struct {
	cited   int64 // uploads marked cited: a matter cites the content, nothing is removed
	rows    int64 // uploads removed
	content bool  // the content was removed from the folder
}

// removeUncited removes the uploads of digest created before cutoff, and
// the content when no upload of it is left, unless a matter cites it
// (then it marks them cited at now). It holds the content lock
// exclusively, so that no upload places and no matter cites the content
// meanwhile; the content is removed before the transaction commits, while
// the lock is held.
func (s *Store) removeUncited(ctx context.Context, digest string, cutoff, now time.Time, cited Cited, files *Files) (removal, error) {
	var r removal
	err := s.db.InTx(ctx, func(tx store.Tx) error {
		r = removal{}
		if err := lockContent(tx, digest, false); err != nil {
			return err
		}
		c, err := cited(tx, []string{digest})
		if err != nil {
			return err
		}
		g := tx.Gorm()
		if c[digest] {
			res := g.Exec(`UPDATE evidence_files SET cited_time = ? WHERE sha256 = ? AND cited_time IS NULL`, now, digest)
			r.cited = res.RowsAffected
			return store.Translate(res.Error)
		}
		res := g.Exec(`DELETE FROM evidence_files WHERE sha256 = ? AND cited_time IS NULL AND create_time < ?`, digest, cutoff)
		if res.Error != nil {
			return store.Translate(res.Error)
		}
		r.rows = res.RowsAffected
		var left bool
		if err := g.Raw(`SELECT EXISTS (SELECT 1 FROM evidence_files WHERE sha256 = ?)`, digest).Scan(&left).Error; err != nil {
			return store.Translate(err)
		}
		if left {
			return nil
		}
		r.content = true
		return files.Remove(digest)
	})
	if err != nil {
		return removal{}, fmt.Errorf("evidence: cleaning %s: %w", digest, err)
	}
	return r, nil
}
