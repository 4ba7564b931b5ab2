package filing_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestReadingFromAReplica stands a read-only session in for a streaming
// standby (default_transaction_read_only, which refuses every write as a
// standby does) and serves reads through Store.ReadingFrom: an official's
// GetMatter and ListMatters are answered from the replica, and the access
// log entry the read requires is written to the primary.
func TestReadingFromAReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := storetest.URL(t)
	open := func(url string) *gorm.DB {
		db, err := store.Open(ctx, store.Config{URL: url, MaxOpenConns: 4}, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close(db) })
		return db
	}
	primary := open(u)
	replica := open(u + "&default_transaction_read_only=on")
	if err := replica.Exec(`INSERT INTO access_log (access_time, subject, role, method, matter_id)
		VALUES (now(), 'x', 'officer', 'x', gen_random_uuid())`).Error; err == nil {
		t.Fatal("the stand-in replica accepted a write; the test would prove nothing")
	}
	var replicaReads atomic.Int64
	if err := replica.Callback().Raw().After("gorm:raw").Register("test:count", func(*gorm.DB) { replicaReads.Add(1) }); err != nil {
		t.Fatal(err)
	}
	if err := replica.Callback().Query().After("gorm:query").Register("test:count", func(*gorm.DB) { replicaReads.Add(1) }); err != nil {
		t.Fatal(err)
	}

	env := authtest.New(t)
	fs := filing.NewStore(primary, events.NewEphemeralCheckpoints())
	writer := ipcasev1.NewFilingServiceClient(servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, time.Now))
	}, env.ServerOptions()...))
	reader := ipcasev1.NewFilingServiceClient(servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs.ReadingFrom(replica), time.Now))
	}, env.ServerOptions()...))
	officer := authtest.WithToken(ctx, env.Officer(t, "SAMR-HZ"))
	filed, err := writer.SubmitComplaint(officer, complaint("replica-1"))
	if err != nil {
		t.Fatal(err)
	}
	name := filed.GetMatter().GetName()

	got, err := reader.GetMatter(officer, &ipcasev1.GetMatterRequest{Name: name})
	if err != nil {
		t.Fatalf("GetMatter through the replica: %v", err)
	}
	if got.GetMatter().GetNumber() != filed.GetMatter().GetNumber() {
		t.Errorf("read %s, filed %s", got.GetMatter().GetNumber(), filed.GetMatter().GetNumber())
	}
	list, err := reader.ListMatters(officer, &ipcasev1.ListMattersRequest{PageSize: 10})
	if err != nil || len(list.GetMatters()) != 1 {
		t.Fatalf("ListMatters through the replica: %d matters, %v", len(list.GetMatters()), err)
	}
	if replicaReads.Load() == 0 {
		t.Error("nothing was read from the replica")
	}
	var logged int64
	if err := primary.Table("access_log").Where("matter_id = ?", strings.TrimPrefix(name, "matters/")).Count(&logged).Error; err != nil {
		t.Fatal(err)
	}
	if logged == 0 {
		t.Error("the official's read was not recorded in the primary's access log")
	}
}
