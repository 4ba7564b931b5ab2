// Command ipcase-healthcheck is the container health check of the images,
// which have no shell and no curl: it asks ipcased's grpc.health.v1 service
// (the overall status, "") or GETs the gateway's /healthz, and exits 0 only
// on SERVING / 200.
//
//	ipcase-healthcheck -grpc 127.0.0.1:7070
//	ipcase-healthcheck -http http://127.0.0.1:8080/healthz
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func main() {
	grpcAddr := flag.String("grpc", "", "address of a plaintext gRPC listener to ask grpc.health.v1")
	httpURL := flag.String("http", "", "URL that must answer 200")
	timeout := flag.Duration("timeout", 3*time.Second, "give up after this long")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := check(ctx, *grpcAddr, *httpURL); err != nil {
		fmt.Fprintln(os.Stderr, "unhealthy:", err)
		os.Exit(1)
	}
}

func check(ctx context.Context, grpcAddr, httpURL string) error {
	switch {
	case grpcAddr != "" && httpURL == "":
		conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		defer conn.Close()
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("%s reports %s", grpcAddr, resp.GetStatus())
		}
		return nil
	case httpURL != "" && grpcAddr == "":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, httpURL, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %s", httpURL, resp.Status)
		}
		return nil
	}
	return errors.New("give exactly one of -grpc or -http")
}
