package filing_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestReadingFromAReplica stands a read-only session in for a streaming
// standby (default_transaction_read_only, which refuses every write as a
// standby does) and serves reads through Store.ReadingFrom: an official's
// GetMatter and ListMatters are answered from the replica, and the access
// log entry the read requires is written to the primary.
func TestReadingFromAReplica(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	u := storetest.URL(t)
	primary := storetest.Open(t, u, 4)
	replica := storetest.Open(t, u+"&default_transaction_read_only=on", 4)
	// A write the primary would accept (it matches no row yet).
	if _, err := replica.SQL().ExecContext(ctx, `UPDATE matters SET version = version`); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("the stand-in replica accepted a write (%v); the test would prove nothing", err)
	}
	var replicaReads atomic.Int64
	if err := replica.OnStatement(func(context.Context) { replicaReads.Add(1) }); err != nil {
		t.Fatal(err)
	}

	env := authtest.New(t)
	fs := newStore(primary)
	cal := calendar(t)
	writer := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, time.Now))
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(primary))
	}, env.ServerOptions()...)
	reader := ipcasev1.NewFilingServiceClient(servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs.ReadingFrom(replica), cal, time.Now))
	}, env.ServerOptions()...))
	officer := authtest.WithToken(ctx, env.Officer(t, "SAMR-HZ"))
	filed, err := ipcasev1.NewFilingServiceClient(writer).SubmitComplaint(officer, complaint("replica-1"))
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
	// The audit service reads the primary's access log.
	logged, err := ipcasev1.NewAuditServiceClient(writer).ListAccessLog(authtest.WithToken(ctx, env.Admin(t)),
		&ipcasev1.ListAccessLogRequest{Matter: name})
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, r := range logged.GetRecords() {
		methods = append(methods, r.GetMethod())
	}
	for _, m := range []string{"/ipcase.v1.FilingService/GetMatter", "/ipcase.v1.FilingService/ListMatters"} {
		if !slices.Contains(methods, m) {
			t.Errorf("the official's %s through the replica was not recorded in the primary's access log (it has %v)", m, methods)
		}
	}
}
