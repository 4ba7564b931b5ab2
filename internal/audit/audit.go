// Package audit records every read of a matter by an official (who looked
// at what, when, through which method) and lets administrators query it.
// Rows are append-only, like the event log, and hash-chained: a trigger
// appends each row to one of several chains, a Sealer signs the chains'
// heads with the checkpoint key every IPCASE_AUDIT_SEAL_INTERVAL, and
// VerifyAccessLog (`ipcased audit verify-access-log`) finds rows deleted or
// changed, by whoever could get around the trigger, once a seal covered
// them. It owns access_log, access_log_heads and access_log_seals.
package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/logging"
	"github.com/ipcase/ipcase/internal/store"
)

type accessRow struct {
	ID         int64 `gorm:"primaryKey"`
	AccessTime time.Time
	Subject    string
	Role       string
	Org        string
	Method     string
	MatterID   string
	RequestID  string
}

func (accessRow) TableName() string { return "access_log" }

// Log records, in tx, reads of matterIDs by the caller of the request tx
// runs for, through its method, if the caller is an official; a rights
// holder's reads of its own matters are not recorded.
func Log(tx store.Tx, at time.Time, matterIDs ...string) error {
	r, ok := reader(tx.Context(), at)
	if !ok || len(matterIDs) == 0 {
		return nil
	}
	err := tx.Gorm().Exec(`SELECT access_log_append(?, ?, ?, ?, ?, ?, ?::uuid[])`,
		r.AccessTime, r.Subject, r.Role, r.Org, r.Method, r.RequestID, pgArray(matterIDs)).Error
	if err != nil {
		return fmt.Errorf("audit: recording reads: %w", store.Translate(err))
	}
	return nil
}

// pgArray is ids as a Postgres array literal; ids are UUIDs, which need
// no quoting (Postgres refuses the cast of anything else).
func pgArray(ids []string) string { return "{" + strings.Join(ids, ",") + "}" }

// LogFrom is Log for a read that is itself one SQL statement: it returns
// a query for that statement's WITH clause, recording a read of each
// matter whose id the column id of relation from (another item of the
// WITH clause) yields, so that the read and its record take one round
// trip. The query yields one row, and records the reads only if the
// statement reads it: the statement must join it (CROSS JOIN) to what it
// returns. ok is false when the caller's reads are not recorded. The
// statement must run on the primary, in the caller's request.
func LogFrom(ctx context.Context, at time.Time, from string) (sql string, args []any, ok bool) {
	r, ok := reader(ctx, at)
	if !ok {
		return "", nil, false
	}
	return `SELECT access_log_append(?, ?, ?, ?, ?, ?, ARRAY(SELECT id FROM ` + from + `)) AS logged`,
		[]any{r.AccessTime, r.Subject, r.Role, r.Org, r.Method, r.RequestID}, true
}

// reader is the access-log row of a read by the caller of ctx at at, but
// for its matter; ok is false when the caller is not an official.
func reader(ctx context.Context, at time.Time) (accessRow, bool) {
	method, _ := grpc.Method(ctx)
	p, ok := auth.FromContext(ctx)
	if !ok || !p.Official() {
		return accessRow{}, false
	}
	return accessRow{AccessTime: at, Subject: p.Subject, Role: string(p.Role), Org: p.Org(), Method: method,
		RequestID: logging.RequestID(ctx)}, true
}

// Record is one recorded read.
type Record struct {
	Time      time.Time
	Subject   string
	Role      string
	Org       string
	Method    string
	MatterID  string
	RequestID string
}

// Filter narrows List.
type Filter struct {
	MatterID string
	Subject  string
}

// List returns recorded reads matching f, newest first, after the position
// in pageToken; it returns the next page's token (empty on the last).
func List(tx store.Tx, f Filter, pageToken string, size int) ([]Record, string, error) {
	q := tx.Gorm().Model(&accessRow{})
	if f.MatterID != "" {
		q = q.Where("matter_id = ?", f.MatterID)
	}
	if f.Subject != "" {
		q = q.Where("subject = ?", f.Subject)
	}
	if pageToken != "" {
		before, err := strconv.ParseInt(pageToken, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", errs.Field("page_token", "is not a token this server issued")
		}
		q = q.Where("id < ?", before)
	}
	var rows []accessRow
	if err := q.Order("id DESC").Limit(size + 1).Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("audit: listing reads: %w", store.Translate(err))
	}
	next := ""
	if len(rows) > size {
		rows = rows[:size]
		next = strconv.FormatInt(rows[size-1].ID, 10)
	}
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = Record{Time: r.AccessTime.UTC(), Subject: r.Subject, Role: r.Role, Org: r.Org, Method: r.Method, MatterID: r.MatterID, RequestID: r.RequestID}
	}
	return out, next, nil
}
