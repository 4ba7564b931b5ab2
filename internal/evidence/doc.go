// Package evidence stores evidence files: the content on disk, addressed by
// its SHA-256 digest and stored once however often it is uploaded, and a
// row per upload in Postgres saying who uploaded what, when, under which
// name and media type. It serves ipcasev1.EvidenceService, whose
// client-streaming UploadEvidence hashes and counts the content as it
// arrives, so the digest a complaint later cites is the server's, not the
// uploader's.
//
// Uploads are bounded (Limits): a quota of content per uploader within a
// window, a rate of uploads per uploader, a number in progress at once,
// and a quota of evidence per matter, which the matter store asks for
// when a matter comes to cite evidence (Store.Cite). Uploads that no
// matter cites are removed after Limits.UncitedTTL by the Cleaner, which
// one replica runs at a time. Every answer is the same whether or not
// someone else uploaded the same bytes: an upload is charged to its
// uploader alone, and "deduplicated" means the same uploader sent the same
// bytes within the window.
//
// It owns the evidence_files table and the folder IPCASE_EVIDENCE_DIR. It
// does not attach files to matters: a complaint or an inspection names a
// file by its digest (filing.Evidence), and package filing owns those
// citations (filing.Store.EvidenceCited).
package evidence
