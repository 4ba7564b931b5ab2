package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// uploadPath is the one hand-written API route: grpc-gateway cannot stream
// a raw file body into a client stream, so upload does.
const uploadPath = "/v1/evidence:upload"

// uploadChunk is the largest piece the body is sent in.
const uploadChunk = 256 << 10

// upload pipes the request body into EvidenceService.UploadEvidence: the
// Content-Type header is the media type, the fileName query parameter the
// file name, Content-Length (when sent) the declared size. The caller's
// Authorization header goes along, so ipcased authenticates and authorizes
// the upload as it would a direct call. The answer is the server's digest,
// size and media type, as JSON UploadEvidenceResponse.
func (g *Gateway) upload(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > g.cfg.MaxUploadBytes {
		writeStatus(w, invalid("body", "the file is larger than the limit of %d bytes", g.cfg.MaxUploadBytes))
		return
	}
	md := metadata.Pairs("x-request-id", r.Header.Get(requestIDHeader))
	if a := r.Header.Get("Authorization"); a != "" {
		md.Set("authorization", a)
	}
	ctx, cancel := context.WithCancel(metadata.NewOutgoingContext(r.Context(), md))
	defer cancel()
	stream, err := g.evidence.UploadEvidence(ctx)
	if err != nil {
		writeStatus(w, status.Convert(err))
		return
	}
	meta := &ipcasev1.EvidenceFileMetadata{MediaType: r.Header.Get("Content-Type"), FileName: fileName(r)}
	if r.ContentLength > 0 {
		meta.DeclaredSizeBytes = r.ContentLength
	}
	err = stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: meta}})
	// Each read is sent as it arrives rather than gathered into whole
	// chunks, so that an upload ipcased refuses at once (a quota, a rate,
	// a bad name) is answered after the next read, not after the next
	// uploadChunk bytes of a slow body.
	buf := make([]byte, uploadChunk)
	for err == nil {
		n, rerr := r.Body.Read(buf)
		if n > 0 {
			err = stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Chunk{Chunk: buf[:n]}})
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			// The server keeps nothing of a stream that ends in an error.
			cancel()
			var tooBig *http.MaxBytesError
			if errors.As(rerr, &tooBig) {
				writeStatus(w, invalid("body", "the file is larger than the limit of %d bytes", tooBig.Limit))
			} else {
				writeStatus(w, invalid("body", "reading the request body: %v", rerr))
			}
			return
		}
	}
	// A Send that fails with io.EOF means the server has ended the call;
	// CloseAndRecv returns its status.
	resp, err := stream.CloseAndRecv()
	if err != nil {
		writeStatus(w, status.Convert(err))
		return
	}
	b, err := protojson.Marshal(resp)
	if err != nil {
		writeStatus(w, status.Convert(fmt.Errorf("encoding response: %w", err)))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// fileName is the uploader's file name: the fileName (or file_name) query
// parameter.
func fileName(r *http.Request) string {
	q := r.URL.Query()
	if n := q.Get("fileName"); n != "" {
		return n
	}
	return q.Get("file_name")
}
