package auth_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// whoami answers GetMatter with the caller's court code as the number.
type whoami struct {
	ipcasev1.UnimplementedFilingServiceServer
}

func (whoami) GetMatter(ctx context.Context, _ *ipcasev1.GetMatterRequest) (*ipcasev1.GetMatterResponse, error) {
	p, _ := auth.FromContext(ctx)
	return &ipcasev1.GetMatterResponse{Matter: &ipcasev1.Matter{Number: string(p.Role) + ":" + p.Court}}, nil
}

// TestCourtListenerHandshakes makes real TLS connections to a court
// listener: only a current certificate from the court CA that names a court
// gets through, and the court's identity comes from it.
func TestCourtListenerHandshakes(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	other := authtest.New(t) // a CA the listener does not trust
	tlsCfg, serverCAs := env.ServerTLS(t)
	addr := servertest.Serve(t, func(s *server.Server) { ipcasev1.RegisterFilingServiceServer(s, whoami{}) }, tlsCfg, env.ServerOptions()...)

	now := time.Now()
	expired, err := env.CA.IssueCourt("京73", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	noCourt, err := env.CA.IssueServer([]string{"not-a-court.example"}, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	call := func(certs ...tls.Certificate) (*ipcasev1.GetMatterResponse, error) {
		conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: serverCAs, Certificates: certs})))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close() }()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		return ipcasev1.NewFilingServiceClient(conn).GetMatter(ctx, &ipcasev1.GetMatterRequest{})
	}

	resp, err := call(env.CourtCert(t, "京73"))
	if err != nil || resp.GetMatter().GetNumber() != "court:京73" {
		t.Fatalf("court certificate from the court CA: %v, %v; want court:京73", resp, err)
	}
	for _, tt := range []struct {
		name  string
		certs []tls.Certificate
	}{
		{"no client certificate", nil},
		{"certificate from an unknown CA", []tls.Certificate{other.CourtCert(t, "京73")}},
		{"expired certificate", []tls.Certificate{expired.TLSCertificate()}},
		{"certificate that names no court", []tls.Certificate{noCourt.TLSCertificate()}},
	} {
		_, err := call(tt.certs...)
		if status.Code(err) != codes.Unavailable {
			t.Errorf("%s: %v; want the handshake refused (Unavailable)", tt.name, err)
		}
	}
}
