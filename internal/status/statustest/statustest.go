// Package statustest starts a real ipcased for the tests of the rights
// holders' interfaces (the gateway, the status page, the CLI): every
// service that faces people — filing, damages, audit, evidence, status —
// on a loopback port, with the production interceptor chain, token
// authentication, a fresh database clone, an evidence folder and a sign-in
// key whose tokens the server accepts.
//
// The calling test package must run storetest.Main (or Run) in TestMain.
package statustest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/publication"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/webhook"
)

// Server is a running ipcased.
type Server struct {
	// Addr is its gRPC address.
	Addr string
	// DB is its database.
	DB *store.DB
	// EvidenceDir is its evidence folder.
	EvidenceDir string
	// Filing is its matter store.
	Filing *filing.Store
	// Clocks is its deadline store.
	Clocks *clock.Store
	// Outbox is where it delivers sign-in links, as the complainant would
	// receive them.
	Outbox *status.Outbox
	// PDF is whether it renders decisions as PDF (the font is installed).
	PDF bool
	// DecisionKeys holds the private halves of the decision keys it signs
	// with, in a directory of the test's.
	DecisionKeys *decision.KeyDir
	key          auth.JWK
	signin       auth.JWK
}

// PublicURL is the public address the decisions' PDF point their
// verification URL at.
const PublicURL = "https://ipcase.example"

// renderer is the PDF renderer every Start shares (making one parses the
// font): decisions render as PDF where the font is installed
// (scripts/test.sh installs it); without it, nil, and GetDecisionDocument
// answers UNAVAILABLE.
var renderer = sync.OnceValues(func() (*document.Renderer, error) {
	font, err := document.LoadFont(document.Config{FontPath: os.Getenv("IPCASE_PDF_FONT")})
	if err != nil {
		return nil, nil //nolint:nilerr // no font installed: no PDF, as ipcased without one
	}
	return document.New(font, PublicURL)
})

// Options change what Start starts.
type Options struct {
	// MaxEvidenceBytes is the upload limit (0: evidence.DefaultMaxBytes).
	MaxEvidenceBytes int64
	// PageURL is the status page address sign-in links point at.
	PageURL string
}

// Start starts ipcased for t; it stops when t ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	key, pub, err := auth.NewSigningKey("test-1")
	if err != nil {
		t.Fatal(err)
	}
	signin, signinPub, err := auth.NewSigningKey("signin-1")
	if err != nil {
		t.Fatal(err)
	}
	// As `ipcased token keygen --roles session` publishes it.
	signin.Roles, signinPub.Roles = []string{auth.SessionKeyRole}, []string{auth.SessionKeyRole}
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	b, _ := json.Marshal(auth.JWKS{Keys: []auth.JWK{pub, signinPub}})
	if err := os.WriteFile(jwks, b, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: jwks, Issuer: authtest.Issuer,
		Audience: authtest.Audience, Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	minter, err := status.NewMinterFromKey(signin, authtest.Issuer, authtest.Audience, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := minter.Check(t.Context(), v); err != nil {
		t.Fatal(err)
	}
	outbox, err := status.OpenOutbox(filepath.Join(dir, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := evidence.OpenFiles(filepath.Join(dir, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := decision.OpenKeyDir(filepath.Join(dir, "decision-keys"))
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fs := filing.NewStore(db, log, chaintest.Routes()...)
	clocks := clock.NewStore(db, cal, log)
	authn := auth.NewAuthenticator(v)
	pdf, err := renderer()
	if err != nil {
		t.Fatal(err)
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(authn.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(authn.StreamInterceptor()),
	}
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, time.Now))
		ipcasev1.RegisterDamagesServiceServer(s, damages.NewServer())
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(db))
		ipcasev1.RegisterEvidenceServiceServer(s, evidence.NewServer(files, evidence.NewStore(db), o.MaxEvidenceBytes, time.Now))
		es := enforcement.NewStore(fs)
		ipcasev1.RegisterEnforcementServiceServer(s, enforcement.NewServer(es, clocks, time.Now, map[string]damages.HearingThresholds{}))
		ipcasev1.RegisterMediationServiceServer(s, mediation.NewServer(mediation.NewStore(fs), clocks, es.Workers, time.Now))
		ipcasev1.RegisterCustomsServiceServer(s, customs.NewServer(customs.NewStore(fs), db, clocks, time.Now))
		ipcasev1.RegisterDeadlineServiceServer(s, deadline.NewServer(cal))
		ipcasev1.RegisterPublicationServiceServer(s, publication.NewServer(publication.NewStore(db)))
		ipcasev1.RegisterDecisionServiceServer(s, decision.NewServer(decision.NewStore(db, ring), time.Now).WithDocuments(filing.NewServer(fs, cal, time.Now), pdf))
		ipcasev1.RegisterNotificationServiceServer(s, webhook.NewServer(webhook.NewStore(db), webhook.Config{AllowHTTP: true, AllowLoopback: true}, time.Now))
		ipcasev1.RegisterStatusServiceServer(s, status.NewServer(status.Deps{
			Filing: filing.NewServer(fs, cal, time.Now),
			Clocks: clocks,
			Links:  status.NewLinks(db), Minter: minter, Sender: outbox, PageURL: o.PageURL, Now: time.Now,
		}))
	}, nil, opts...)
	return &Server{Addr: addr, DB: db, EvidenceDir: filepath.Join(dir, "evidence"), Filing: fs, Clocks: clocks,
		Outbox: outbox, PDF: pdf != nil, DecisionKeys: ring, key: key, signin: signin}
}

// SigningKey is the private key of the officials' and holders' tokens the
// server trusts (published with no roles of its own, so it signs the
// default ones); tests forge with it what an identity provider could.
func (s *Server) SigningKey() auth.JWK { return s.key }

// SignInKey is the private key the server signs sessions with, published
// with roles ["session"]; tests forge with it what its holder could.
func (s *Server) SignInKey() auth.JWK { return s.signin }

// Message is a sign-in message as the party received it: its header lines
// (Link, Code, To, Party, Matter, …).
type Message map[string]string

// Messages returns the messages delivered to the outbox so far, oldest
// first.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	entries, err := os.ReadDir(s.Outbox.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var out []Message
	for _, e := range entries { // ReadDir sorts by name, which starts with the time
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.Outbox.Dir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m := Message{"file": e.Name()}
		head, _, _ := strings.Cut(string(b), "\n\n")
		for _, line := range strings.Split(head, "\n") {
			if k, v, ok := strings.Cut(line, ": "); ok {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// LastMessage returns the message delivered last; the test fails if there
// is none.
func (s *Server) LastMessage(t testing.TB) Message {
	t.Helper()
	ms := s.Messages(t)
	if len(ms) == 0 {
		t.Fatal("no sign-in message in the outbox")
	}
	return ms[len(ms)-1]
}

// Token mints a token the server accepts (see authtest.Sign).
func (s *Server) Token(t testing.TB, p auth.IssueParams) string {
	t.Helper()
	return authtest.Sign(t, s.key, p)
}

// Officer mints an officer's token for agency.
func (s *Server) Officer(t testing.TB, agency string) string {
	return s.Token(t, auth.IssueParams{Subject: "officer@" + agency, Role: auth.Officer, Agency: agency})
}

// RightsHolder mints a rights holder's token acting for parties (ids).
func (s *Server) RightsHolder(t testing.TB, parties ...string) string {
	return s.Token(t, auth.IssueParams{Subject: "holder-" + parties[0][:8], Role: auth.RightsHolder, Parties: parties})
}

// Admin mints an administrator's token.
func (s *Server) Admin(t testing.TB) string {
	return s.Token(t, auth.IssueParams{Subject: "admin", Role: auth.Admin})
}

// OpenDeadline opens a deadline of matter matterID as a proceeding's code
// would, under the matter's lock, in its own transaction.
func (s *Server) OpenDeadline(t testing.TB, matterID string, sp clock.Spec) clock.Deadline {
	t.Helper()
	var d clock.Deadline
	err := s.DB.InTx(t.Context(), func(tx store.Tx) error {
		m, err := s.Filing.Lock(tx, filing.MatterID(matterID))
		if err != nil {
			return err
		}
		sp.Matter = m
		d, err = s.Clocks.Open(tx, sp)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
