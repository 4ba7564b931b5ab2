// Package evidence stores evidence files: the content on disk, addressed by
// its SHA-256 digest and written once however often it is uploaded, and a
// row per upload in Postgres saying who uploaded what, when, under which
// name and media type. It serves ipcasev1.EvidenceService, whose
// client-streaming UploadEvidence hashes and counts the content as it
// arrives, so the digest a complaint later cites is the server's, not the
// uploader's.
//
// It owns the evidence_files table and the folder IPCASE_EVIDENCE_DIR. It
// does not attach files to matters: a complaint or an inspection names a
// file by its digest (filing.Evidence).
package evidence
