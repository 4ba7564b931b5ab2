package customs_test

import (
	"context"
	"crypto/tls"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/trial"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// cst is China Standard Time; the server's "today" is the date there.
var cst = time.FixedZone("CST", 8*3600)

const (
	office = "GACC-NINGBO"
	court  = "浙02"
)

// env is the administrative side with the customs service (plain gRPC
// with tokens), and the trial service on a court listener over mutual
// TLS, on one database, with the consumers and the sweeper driven by the
// test.
type env struct {
	*chaintest.Env
	t        *testing.T
	now      atomic.Pointer[time.Time]
	officer  context.Context
	customs  ipcasev1.CustomsServiceClient
	court    ipcasev1.TrialServiceClient
	pumped   []*events.Consumer
	sweeper  *clock.Sweeper
	holderID string
}

func newEnv(t *testing.T, day string) *env {
	e := &env{t: t}
	e.setDay(day)
	now := func() time.Time { return *e.now.Load() }
	e.Env = chaintest.Start(t, now)
	e.officer = authtest.WithToken(t.Context(), e.Auth.Officer(t, office))
	cst := customs.NewStore(e.FilingStore)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterCustomsServiceServer(s, customs.NewServer(cst, e.DB, e.Clocks, now))
	}, nil, e.Auth.ServerOptions()...)
	e.customs = ipcasev1.NewCustomsServiceClient(servertest.Dial(t, addr))
	ts := trial.NewStore(e.FilingStore)
	tlsCfg, serverCAs := e.Auth.ServerTLS(t)
	caddr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterTrialServiceServer(s, trial.NewServer(ts, e.Clocks, now))
	}, tlsCfg, e.Auth.ServerOptions()...)
	conn, err := grpc.NewClient(caddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		RootCAs: serverCAs, Certificates: []tls.Certificate{e.Auth.CourtCert(t, court)}})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	e.court = ipcasev1.NewTrialServiceClient(conn)
	cs := events.NewConsumers(e.DB, zap.NewNop())
	tc := trial.Register(cs, ts, e.Clocks, now, trial.Config{AppealPostingDays: 0})
	cc := customs.Register(cs, cst, e.Clocks, now)
	e.pumped = []*events.Consumer{tc.Transfers, tc.Routed, tc.Effective, cc.Lapses, cc.Courts}
	e.sweeper = clock.NewSweeper(e.Clocks, clock.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop())
	return e
}

// setDay moves the server's clock to 10:00 CST on day.
func (e *env) setDay(day string) {
	d, err := time.ParseInLocation(time.DateOnly, day, cst)
	if err != nil {
		e.t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	e.now.Store(&d)
}

// pump stamps the log and runs every consumer until nothing is left.
func (e *env) pump() {
	e.t.Helper()
	ctx := e.t.Context()
	for range 10 {
		if _, err := events.Stamp(ctx, e.DB, 10000); err != nil {
			e.t.Fatal(err)
		}
		total := 0
		for _, c := range e.pumped {
			n, err := c.ConsumeOnce(ctx)
			if err != nil {
				e.t.Fatalf("consumer %s: %v", c.Name(), err)
			}
			total += n
		}
		if total == 0 {
			return
		}
	}
	e.t.Fatal("consumers did not settle")
}

// sweep moves the clock to 10:00 CST on day, runs the deadline sweeper
// and then the consumers.
func (e *env) sweep(day string) {
	e.t.Helper()
	e.setDay(day)
	if _, err := e.sweeper.SweepOnce(e.t.Context(), *e.now.Load()); err != nil {
		e.t.Fatal(err)
	}
	e.pump()
}

var (
	holder    = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "宁波星河电器有限公司", CreditCode: "91350100M000100Y43"}
	consignor = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "义乌仿品外贸有限公司", CreditCode: "91330100MA2AXQ9B12"}
	digest    = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	mark      = &ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}
	// 3,000 kettles at 50 yuan: 150,000 yuan.
	kettles = []*ipcasev1.ShipmentGoods{{Description: "电热水壶（带“星河”标识）", Quantity: 3000, Unit: "个", UnitValueYuan: "50"}}
)

// record records the holder's trademark with customs, approved on 2
// January 2020 (valid to 1 January 2030), and returns the recordation; the
// holder's token then acts for it.
func (e *env) record() *ipcasev1.Recordation {
	e.t.Helper()
	r, err := e.customs.RecordRight(e.officer, &ipcasev1.RecordRightRequest{RightsHolder: holder, Right: mark, Number: "T2020-00001",
		ApprovedOn: "2020-01-02"})
	if err != nil {
		e.t.Fatalf("RecordRight: %v", err)
	}
	e.holderID = strings.TrimPrefix(r.GetRecordation().GetRightsHolder(), "parties/")
	return r.GetRecordation()
}

// holderCtx is the rights holder's token.
func (e *env) holderCtx() context.Context {
	return authtest.WithToken(e.t.Context(), e.Auth.RightsHolder(e.t, e.holderID))
}

// report records goods found ex officio, the notice served on day.
func (e *env) report(rec *ipcasev1.Recordation, day string) *ipcasev1.Shipment {
	e.t.Helper()
	r, err := e.customs.ReportSuspectedGoods(e.officer, &ipcasev1.ReportSuspectedGoodsRequest{Office: office, Recordation: rec.GetName(),
		Respondents: []*ipcasev1.Party{consignor}, Direction: ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT,
		DeclarationNumber: "310120260000123456", Goods: kettles, Facts: "出口申报“电热水壶”，查验发现带“星河”标识。", NotifiedOn: day,
		Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_SEIZED}}})
	if err != nil {
		e.t.Fatalf("ReportSuspectedGoods: %v", err)
	}
	e.intact(r.GetShipment().GetName())
	return r.GetShipment()
}

// intact checks that the history of the matter of the shipment named name
// verifies: the matter customs filed starts its chain with the shipment's
// opening.
func (e *env) intact(name string) {
	e.t.Helper()
	matter := strings.Join(strings.Split(name, "/")[:2], "/")
	v, err := e.Filing.VerifyMatterHistory(e.officer, &ipcasev1.VerifyMatterHistoryRequest{Name: matter})
	if err != nil || !v.GetIntact() {
		e.t.Fatalf("history of %s: %v, %v", matter, v, err)
	}
}

// apply files the holder's application to detain the kettles, with a
// guarantee of yuan.
func (e *env) apply(ctx context.Context, yuan string) (*ipcasev1.Shipment, error) {
	r, err := e.customs.ApplyDetention(ctx, &ipcasev1.ApplyDetentionRequest{Office: office,
		RightsHolder: &ipcasev1.Party{Name: "parties/" + e.holderID}, Respondents: []*ipcasev1.Party{consignor}, Rights: []*ipcasev1.IpRight{mark},
		Direction: ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT, Goods: kettles, GuaranteeYuan: yuan,
		Facts:    "货物将于宁波港装船出口，船名“东方之星”。",
		Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}}})
	return r.GetShipment(), err
}

func (e *env) get(name string) *ipcasev1.Shipment {
	e.t.Helper()
	r, err := e.customs.GetShipment(e.officer, &ipcasev1.GetShipmentRequest{Name: name})
	if err != nil {
		e.t.Fatalf("GetShipment: %v", err)
	}
	return r.GetShipment()
}

func code(err error) codes.Code { return status.Code(err) }
