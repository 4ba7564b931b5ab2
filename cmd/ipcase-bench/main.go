// Command ipcase-bench measures ipcase: a closed-loop load generator for
// its gRPC methods and the gateway's status call, a gRPC echo server as
// the ceiling of the RPC layer, and a bulk seeder of realistic matters.
// scripts/bench.sh runs them side by side with pgbench.
//
//	ipcase-bench echo -addr 127.0.0.1:7079
//	ipcase-bench load -addr ADDR -token T -method echo|submit|accept|get|status|statusgrpc|list -c 32 -d 20s
//	ipcase-bench seed -n 1000000 [-accept-queue N -accept-file F] [-checkpoint-key F]
//	ipcase-bench similar-seed -n 100000            # decided matters for the similar-case measurements
//	ipcase-bench similar-quality [-only trgm,fts,bleve,finder]
//	ipcase-bench similar-bench [-passes 10]        # the finder's latency
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ipcase-bench:", err)
		}
		os.Exit(1)
	}
}

// run runs the subcommand args[0]; results go to stdout, progress to stderr.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: ipcase-bench echo|load|seed|similar-seed|similar-quality|similar-bench [flags]")
	}
	switch args[0] {
	case "echo":
		return runEcho(ctx, args[1:])
	case "load":
		return runLoad(ctx, args[1:], stdout)
	case "seed":
		return runSeed(ctx, args[1:], stdout)
	case "similar-seed":
		return runSimSeed(ctx, args[1:], stdout)
	case "similar-quality":
		return runSimQuality(ctx, args[1:], stdout)
	case "similar-bench":
		return runSimBench(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want echo, load, seed, similar-seed, similar-quality or similar-bench", args[0])
}
