// Package gateway is the HTTP face of ipcased for rights holders: a JSON
// API that grpc-gateway generates from the same protos, an evidence upload
// route, the OpenAPI document, and the server-rendered status page.
//
// Every request reaches ipcased over gRPC with the caller's own
// credentials, through Register<Svc>HandlerFromEndpoint and gRPC clients,
// never through the in-process handlers, so ipcased's interceptors (auth,
// logging, error mapping) and its access policy decide everything; the
// gateway holds no rule of its own about who may see what. What it adds is
// HTTP hygiene: request ids, per-token rate limits, body limits, timeouts,
// CORS (off unless configured), errors as JSON google.rpc.Status with field
// violations, and HTTP status codes by grpc-gateway's standard mapping.
package gateway
