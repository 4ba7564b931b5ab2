package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestCheckGRPC(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(lis) //nolint:errcheck // ends with Stop
	defer srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	if err := check(ctx, lis.Addr().String(), ""); err != nil {
		t.Errorf("SERVING: %v", err)
	}
	// What ipcased reports while its database does not answer.
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	if err := check(ctx, lis.Addr().String(), ""); err == nil {
		t.Error("NOT_SERVING passed")
	}
	srv.Stop()
	short, cancelShort := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelShort()
	if err := check(short, lis.Addr().String(), ""); err == nil {
		t.Error("a closed port passed")
	}
}

func TestCheckHTTP(t *testing.T) {
	code := http.StatusOK
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(code)
	}))
	defer ts.Close()
	ctx := context.Background()
	if err := check(ctx, "", ts.URL+"/healthz"); err != nil {
		t.Errorf("200: %v", err)
	}
	code = http.StatusServiceUnavailable
	if err := check(ctx, "", ts.URL+"/healthz"); err == nil {
		t.Error("503 passed")
	}
	if err := check(ctx, "", ""); err == nil {
		t.Error("no target passed")
	}
	if err := check(ctx, "127.0.0.1:1", ts.URL); err == nil {
		t.Error("two targets passed")
	}
}
