package evidence

import (
	"context"
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// File is one recorded upload.
type File struct {
	// ID names the upload (evidenceFiles/{ID}).
	ID string
	Stored
	// MediaType is the declared `type/subtype`, lower case.
	MediaType string
	// Name is the uploader's file name, possibly empty.
	Name string
	// Uploader is who uploaded it.
	Uploader events.Actor
	// Created is when the upload completed.
	Created time.Time
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
}

func (fileRow) TableName() string { return "evidence_files" }

// Record stores the row of upload f.
func (s *Store) Record(ctx context.Context, f File) error {
	row := fileRow{ID: f.ID, Sha256: f.SHA256, SizeBytes: f.Size, MediaType: f.MediaType, FileName: f.Name,
		Deduplicated: f.Deduplicated, UploaderSubject: f.Uploader.Subject, UploaderRole: f.Uploader.Role,
		UploaderOrg: f.Uploader.Org, CreateTime: f.Created}
	if err := s.db.Session(ctx).Gorm().Create(&row).Error; err != nil {
		return fmt.Errorf("evidence: recording upload %s: %w", f.ID, store.Translate(err))
	}
	return nil
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
		MediaType: r.MediaType, Name: r.FileName, Created: r.CreateTime,
		Uploader: events.Actor{Subject: r.UploaderSubject, Role: r.UploaderRole, Org: r.UploaderOrg}}, nil
}
