package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// echoService is the handler type of echoDesc: any value serves it.
type echoService interface{}

// echoDesc is a one-method gRPC service written by hand, so that the
// ceiling of the RPC layer is measured without a new proto: the request
// and response are a wrapperspb.StringValue, sent back as received.
var echoDesc = grpc.ServiceDesc{
	ServiceName: "ipcasebench.Echo",
	HandlerType: (*echoService)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			if interceptor == nil {
				return in, nil
			}
			info := &grpc.UnaryServerInfo{FullMethod: echoMethod}
			return interceptor(ctx, in, info, func(_ context.Context, req any) (any, error) { return req, nil })
		},
	}},
	Metadata: "ipcase-bench",
}

const echoMethod = "/ipcasebench.Echo/Echo"

// runEcho serves the echo service until ctx ends.
func runEcho(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("echo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:7079", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	srv := grpc.NewServer()
	srv.RegisterService(&echoDesc, struct{}{})
	fmt.Fprintf(os.Stderr, "echo: serving on %s\n", lis.Addr())
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	return srv.Serve(lis)
}
