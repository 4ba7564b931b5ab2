package exchange_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/prototext"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// proxy forwards TCP connections from a loopback port to the database
// server, so that a test can take the database away from a server under
// test: cut closes the port and every connection through it.
type proxy struct {
	lis    net.Listener
	target string

	mu    sync.Mutex
	conns []net.Conn
	cut   bool
	wg    sync.WaitGroup
}

// startProxy forwards 127.0.0.1:0 to target until t ends.
func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	lis, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{lis: lis, target: target}
	p.wg.Go(p.accept)
	t.Cleanup(p.cutOff)
	return p
}

func (p *proxy) accept() {
	for {
		c, err := p.lis.Accept()
		if err != nil {
			return
		}
		var d net.Dialer
		up, err := d.DialContext(context.Background(), "tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		if !p.track(c, up) {
			return
		}
		pipe := func(dst, src net.Conn) {
			_, _ = io.Copy(dst, src)
			_ = dst.Close()
			_ = src.Close()
		}
		p.wg.Go(func() { pipe(up, c) })
		p.wg.Go(func() { pipe(c, up) })
	}
}

// track keeps cs to close on cut; it closes them and says false if the
// proxy is already cut.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range cs {
			_ = c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// cutOff closes the port and every connection through it, and waits for
// the forwarding to stop.
func (p *proxy) cutOff() {
	p.mu.Lock()
	p.cut = true
	_ = p.lis.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// through returns rawURL with its host and port replaced by p's.
func (p *proxy) through(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.lis.Addr().String()
	return u.String()
}

// TestSubscribeErrorsTellNoDatabaseDetails makes Subscribe fail the ways a
// database fails (gone under an open stream, unreachable, refusing
// connections with a FATAL that names the database and the user) and
// checks what the client receives, status, details and trailers: a code it
// can act on and nothing of the database's URL, host, port, user, name,
// driver text or SQL, which stay in the server's log.
func TestSubscribeErrorsTellNoDatabaseDetails(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	// stream subscribes as an administrator, through a server over db.
	stream := func(t *testing.T, db *store.DB) ipcasev1.EventService_SubscribeClient {
		t.Helper()
		client := ipcasev1.NewEventServiceClient(servertest.Start(t, register(t, db), env.ServerOptions()...))
		ctx, cancel := context.WithTimeout(authtest.WithToken(t.Context(), env.Admin(t)), 30*time.Second)
		t.Cleanup(cancel)
		s, err := client.Subscribe(ctx, &ipcasev1.SubscribeRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tt := range []struct {
		name string
		// fail sets up a database that fails and returns the stream's end.
		fail func(t *testing.T, base string, p *proxy) (metadata.MD, error)
		want []codes.Code
	}{
		{"the database goes away under an open stream", func(t *testing.T, base string, p *proxy) (metadata.MD, error) {
			db := storetest.Open(t, p.through(t, base), 5)
			s := stream(t, db)
			if _, err := s.Recv(); err != nil { // the matter's first event
				t.Fatal(err)
			}
			p.cutOff()
			_, err := s.Recv()
			return s.Trailer(), err
		}, []codes.Code{codes.Unavailable}},
		{"the database is unreachable", func(t *testing.T, base string, p *proxy) (metadata.MD, error) {
			db := storetest.Open(t, p.through(t, base), 5)
			p.cutOff()
			s := stream(t, db)
			_, err := s.Recv()
			return s.Trailer(), err
		}, []codes.Code{codes.Unavailable}},
		{"the database refuses connections under an open stream", func(t *testing.T, base string, _ *proxy) (metadata.MD, error) {
			db := storetest.Open(t, base, 5)
			s := stream(t, db)
			if _, err := s.Recv(); err != nil { // the matter's first event
				t.Fatal(err)
			}
			refuseConnections(t, base)
			_, err := s.Recv()
			return s.Trailer(), err
		}, []codes.Code{codes.Unavailable, codes.Internal}},
		{"the database refuses connections", func(t *testing.T, base string, _ *proxy) (metadata.MD, error) {
			db := storetest.Open(t, base, 5)
			refuseConnections(t, base)
			s := stream(t, db)
			_, err := s.Recv()
			return s.Trailer(), err
		}, []codes.Code{codes.Unavailable, codes.Internal}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := storetest.URL(t)
			u, err := url.Parse(base)
			if err != nil {
				t.Fatal(err)
			}
			// Events to read, written past the proxy.
			direct := storetest.Open(t, base, 4)
			eventstest.Matter(t, direct, "SAMR-HZ")
			if _, err := events.Stamp(t.Context(), direct, 10); err != nil {
				t.Fatal(err)
			}
			p := startProxy(t, u.Host)
			trailer, err := tt.fail(t, base, p)

			st := status.Convert(err)
			if !slices.Contains(tt.want, st.Code()) {
				t.Errorf("stream ended with %v; want one of %v", err, tt.want)
			}
			told := prototext.Format(st.Proto()) + fmt.Sprint(trailer)
			_, pgPort, _ := net.SplitHostPort(u.Host)
			_, proxyPort, _ := net.SplitHostPort(p.lis.Addr().String())
			for _, secret := range []string{
				"postgres", strings.TrimPrefix(u.Path, "/"), u.Hostname(), "localhost", ":" + pgPort, ":" + proxyPort,
				"user=", "database=", "sslmode", "sqlstate", "fatal", "select ", "listen", "dial", "tcp", "connection refused", "eof",
			} {
				if strings.Contains(strings.ToLower(told), strings.ToLower(secret)) {
					t.Errorf("the client was told %q, which gives away %q", told, secret)
				}
			}
			t.Logf("the client was told: %s", strings.TrimSpace(told))
		})
	}
}

// refuseConnections makes the database of rawURL refuse new sessions,
// even a superuser's, with a FATAL naming it, and ends the sessions it has;
// it accepts them again when t ends, before the database is dropped.
func refuseConnections(t *testing.T, rawURL string) {
	t.Helper()
	name, err := store.DatabaseName(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	// As the server's administrator: the test's own role may not own the
	// database.
	adminURL, err := store.WithDatabase(os.Getenv("DATABASE_URL"), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	admin := storetest.Open(t, adminURL, 1)
	storetest.Exec(t, admin, "ALTER DATABASE "+store.QuoteIdent(name)+" ALLOW_CONNECTIONS false")
	t.Cleanup(func() {
		err := admin.Session(context.WithoutCancel(t.Context())).Gorm().
			Exec("ALTER DATABASE " + store.QuoteIdent(name) + " ALLOW_CONNECTIONS true").Error
		if err != nil {
			t.Error(err)
		}
	})
	storetest.Exec(t, admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?`, name)
	eventstest.Eventually(t, 30*time.Second, "the database's sessions end", func() bool {
		var n int
		err := admin.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM pg_stat_activity WHERE datname = ?`, name).Scan(&n).Error
		return err == nil && n == 0
	})
}
