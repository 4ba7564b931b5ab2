package deploy_test

import (
	"context"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

func loadCompose(t *testing.T, env types.Mapping) (*types.Project, error) {
	t.Helper()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	// Schema validation is on (loader.Options.SkipValidation is false): an
	// unknown key or a value of the wrong type fails, as in docker compose.
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  wd,
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: b}},
		Environment: env,
	})
}

func TestCompose(t *testing.T) {
	p, err := loadCompose(t, types.Mapping{"POSTGRES_PASSWORD": "s3cret", "IPCASE_DB_PASSWORD": "app-s3cret"})
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	svc := func(name string) types.ServiceConfig {
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("compose.yaml has no service %s (has %v)", name, p.ServiceNames())
		}
		return s
	}
	pg, migrate, admin, judicial, gw := svc("postgres"), svc("migrate"), svc("ipcased-administrative"), svc("ipcased-judicial"), svc("gateway")
	if !strings.HasPrefix(pg.Image, "postgres:15") && !strings.HasPrefix(pg.Image, "postgres:16") {
		t.Errorf("postgres runs %s, want postgres:15 or 16", pg.Image)
	}
	// An acknowledged write must survive a crash of the container or the
	// host: no setting that trades that for speed.
	pgArgs := append(append([]string{}, pg.Command...), pg.Entrypoint...)
	for k, v := range pg.Environment {
		if v != nil {
			pgArgs = append(pgArgs, k+"="+*v)
		}
	}
	if bad := notDurable(pgArgs...); bad != "" {
		t.Errorf("postgres runs with %s: an acknowledged write could be lost in a crash", bad)
	}
	if pg.HealthCheck == nil || len(pg.HealthCheck.Test) == 0 {
		t.Error("postgres needs a health check: migrate waits for it")
	}
	if !slices.Equal(migrate.Command, types.ShellCommand{"migrate"}) || migrate.Entrypoint != nil {
		t.Errorf("migrate runs %v %v, want ipcased migrate", migrate.Entrypoint, migrate.Command)
	}
	dependsOn(t, migrate, "postgres", types.ServiceConditionHealthy)
	// migrate connects as the owner, POSTGRES_USER; ipcased serves as a
	// role of its own, which migrate makes with IPCASE_DB_PASSWORD.
	owner := composeEnv(t, pg, "POSTGRES_USER")
	if u := composeEnv(t, migrate, "DATABASE_OWNER_URL"); !strings.HasPrefix(u, "postgres://"+owner+":s3cret@postgres:5432/") {
		t.Errorf("migrate's DATABASE_OWNER_URL %q does not reach postgres as %s with POSTGRES_PASSWORD", u, owner)
	}
	url := composeEnv(t, migrate, "DATABASE_URL")
	if !strings.Contains(url, ":app-s3cret@postgres:5432/") || strings.HasPrefix(url, "postgres://"+owner+":") {
		t.Errorf("migrate's DATABASE_URL %q is not a serving role other than %s with IPCASE_DB_PASSWORD", url, owner)
	}
	for _, s := range p.Services {
		for k, v := range s.Environment {
			if v != nil && strings.Contains(*v, "s3cret@") && !strings.Contains(*v, "app-s3cret@") && s.Name != "migrate" {
				t.Errorf("%s: %s carries the owner's password: only migrate may", s.Name, k)
			}
		}
	}

	for side, s := range map[string]types.ServiceConfig{"administrative": admin, "judicial": judicial} {
		if s.Image != migrate.Image || !slices.Equal(s.Command, types.ShellCommand{"serve"}) || s.Entrypoint != nil {
			t.Errorf("%s runs %s %v %v, want %s serve", s.Name, s.Image, s.Entrypoint, s.Command, migrate.Image)
		}
		if got := composeEnv(t, s, "IPCASE_SIDE"); got != side {
			t.Errorf("%s: IPCASE_SIDE=%q, want %q", s.Name, got, side)
		}
		if composeEnv(t, s, "DATABASE_URL") != url {
			t.Errorf("%s: DATABASE_URL differs from migrate's", s.Name)
		}
		dependsOn(t, s, "migrate", types.ServiceConditionCompletedSuccessfully)
		if got := composeEnv(t, s, "IPCASE_GRPC_ADDR"); got != "0.0.0.0:7070" {
			t.Errorf("%s: IPCASE_GRPC_ADDR=%q, want 0.0.0.0:7070 (reachable from the other containers)", s.Name, got)
		}
		if got := composeEnv(t, s, "IPCASE_METRICS_ADDR"); got != "0.0.0.0:9090" {
			t.Errorf("%s: IPCASE_METRICS_ADDR=%q, want 0.0.0.0:9090", s.Name, got)
		}
		if s.HealthCheck == nil || !slices.Equal([]string(s.HealthCheck.Test), []string{"CMD", "/usr/local/bin/ipcase-healthcheck", "-grpc", "127.0.0.1:7070"}) {
			t.Errorf("%s: health check %v, want ipcase-healthcheck -grpc on 7070", s.Name, s.HealthCheck)
		}
	}
	if got := composeEnv(t, judicial, "IPCASE_COURT_ADDR"); got != "0.0.0.0:7071" {
		t.Errorf("judicial: IPCASE_COURT_ADDR=%q, want 0.0.0.0:7071", got)
	}
	for _, k := range []string{"IPCASE_COURT_TLS_CERT", "IPCASE_COURT_TLS_KEY", "IPCASE_COURT_CA"} {
		if composeEnv(t, judicial, k) == "" {
			t.Errorf("judicial: %s is not set", k)
		}
	}
	if composeEnv(t, admin, "IPCASE_EVIDENCE_DIR") == "" {
		t.Error("administrative: IPCASE_EVIDENCE_DIR is not set: evidence uploads are refused")
	}

	if !slices.Equal(gw.Entrypoint, types.ShellCommand{"/usr/local/bin/ipcase-gateway"}) || gw.Image != migrate.Image {
		t.Errorf("gateway runs %s %v, want the image's ipcase-gateway", gw.Image, gw.Entrypoint)
	}
	host, port, err := net.SplitHostPort(composeEnv(t, gw, "IPCASE_GATEWAY_UPSTREAM"))
	if err != nil || host != "ipcased-administrative" || port != "7070" {
		t.Errorf("gateway: IPCASE_GATEWAY_UPSTREAM=%q, want the administrative side's gRPC port", composeEnv(t, gw, "IPCASE_GATEWAY_UPSTREAM"))
	}
	if got := composeEnv(t, gw, "IPCASE_GATEWAY_ADDR"); got != "0.0.0.0:8080" {
		t.Errorf("gateway: IPCASE_GATEWAY_ADDR=%q, want 0.0.0.0:8080", got)
	}
	dependsOn(t, gw, "ipcased-administrative", types.ServiceConditionHealthy)

	published := map[string]string{}
	for _, s := range p.Services {
		for _, port := range s.Ports {
			// An empty host_ip publishes on every interface of the host.
			if ip := net.ParseIP(port.HostIP); ip == nil || !ip.IsLoopback() {
				t.Errorf("%s publishes %s on %q: publish on 127.0.0.1 only", s.Name, port.Published, port.HostIP)
			}
			if port.Published == "" {
				t.Errorf("%s publishes %d on a random host port", s.Name, port.Target)
			}
			if other, ok := published[port.Published]; ok {
				t.Errorf("%s and %s both publish host port %s", s.Name, other, port.Published)
			}
			published[port.Published] = s.Name
		}
		if s.Image != migrate.Image {
			continue
		}
		if s.User == "root" || strings.HasPrefix(s.User, "0:") || s.User == "0" {
			t.Errorf("%s runs as root", s.Name)
		}
		if !s.ReadOnly {
			t.Errorf("%s: want read_only: true", s.Name)
		}
		// Every key or certificate file named in the environment is on a
		// mounted volume.
		for k, v := range s.Environment {
			if v == nil || !strings.HasPrefix(*v, "/etc/ipcase/") {
				continue
			}
			if !slices.ContainsFunc(s.Volumes, func(m types.ServiceVolumeConfig) bool {
				return strings.HasPrefix(*v, strings.TrimSuffix(m.Target, "/")+"/")
			}) {
				t.Errorf("%s: %s=%s is on no mounted volume", s.Name, k, *v)
			}
		}
	}

	// Without the passwords the project does not load at all, rather than
	// start a database with an empty one.
	if _, err := loadCompose(t, types.Mapping{"IPCASE_DB_PASSWORD": "x"}); err == nil || !strings.Contains(err.Error(), "POSTGRES_PASSWORD") {
		t.Errorf("compose.yaml loads without POSTGRES_PASSWORD (err %v)", err)
	}
	if _, err := loadCompose(t, types.Mapping{"POSTGRES_PASSWORD": "x"}); err == nil || !strings.Contains(err.Error(), "IPCASE_DB_PASSWORD") {
		t.Errorf("compose.yaml loads without IPCASE_DB_PASSWORD (err %v)", err)
	}
}

func composeEnv(t *testing.T, s types.ServiceConfig, name string) string {
	t.Helper()
	if v := s.Environment[name]; v != nil {
		return *v
	}
	return ""
}

func dependsOn(t *testing.T, s types.ServiceConfig, on, condition string) {
	t.Helper()
	if d, ok := s.DependsOn[on]; !ok || d.Condition != condition {
		t.Errorf("%s must depend on %s with condition %s (has %v)", s.Name, on, condition, s.DependsOn)
	}
}

// notDurable returns the first setting among args that lets Postgres
// acknowledge a commit it could lose in a crash (fsync, synchronous_commit
// or full_page_writes off, initdb --no-sync), or "".
func notDurable(args ...string) string {
	for _, a := range args {
		norm := strings.ToLower(strings.Join(strings.Fields(a), ""))
		for _, bad := range []string{"fsync=off", "fsync=false", "fsync=0", "synchronous_commit=off", "synchronous_commit=false",
			"synchronous_commit=0", "full_page_writes=off", "full_page_writes=false", "--no-sync", "--nosync"} {
			if strings.Contains(norm, bad) {
				return bad
			}
		}
	}
	return ""
}
