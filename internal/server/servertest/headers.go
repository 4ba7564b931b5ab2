package servertest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// HeaderAnswer is how a server met a call sent by SendHeaders.
type HeaderAnswer struct {
	// Answered is true if the server sent response headers for the call:
	// it took the whole header list.
	Answered bool
	// How says what the server did: "HEADERS grpc-status=16", "RST_STREAM
	// FRAME_SIZE_ERROR", "GOAWAY COMPRESSION_ERROR", "connection closed".
	How string
	// Written is how many bytes of the call the server let the client write
	// before it stopped reading.
	Written int
	// Elapsed is the time from the first byte written to the answer.
	Elapsed time.Duration
}

// SendHeaders sends one gRPC call of method (an empty request message)
// whose header name carries a value of size bytes ("Bearer AAAA…"), over a
// raw HTTP/2 connection to addr (TLS when tlsCfg is not nil). Unlike a
// gRPC or Go HTTP/2 client, it ignores the SETTINGS_MAX_HEADER_LIST_SIZE
// the server announces and sends the whole header block, in frames of 16
// KiB, as a hostile client would; it makes the value as it writes, so that
// the client itself holds no more than a frame. It returns when the server
// answers the call, refuses it or closes the connection, or when ctx ends.
func SendHeaders(ctx context.Context, addr string, tlsCfg *tls.Config, method, name string, size int) (HeaderAnswer, error) {
	var conn net.Conn
	var err error
	scheme := "http"
	if tlsCfg != nil {
		cfg := tlsCfg.Clone()
		cfg.NextProtos = []string{"h2"}
		d := tls.Dialer{Config: cfg}
		conn, err = d.DialContext(ctx, "tcp", addr)
		scheme = "https"
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return HeaderAnswer{}, err
	}
	defer func() { _ = conn.Close() }()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	const bearer = "Bearer "
	size = max(size, len(bearer))
	prefix := hpackLiterals(":method", "POST", ":scheme", scheme, ":path", method, ":authority", addr,
		"content-type", "application/grpc", "te", "trailers")
	prefix = append(prefix, 0x00)
	prefix = hpackInt(prefix, 7, 0x00, len(name))
	prefix = append(prefix, name...)
	prefix = hpackInt(prefix, 7, 0x00, size)
	prefix = append(prefix, bearer...)
	block := io.MultiReader(bytes.NewReader(prefix), &filler{n: size - len(bearer)})
	total := len(prefix) + size - len(bearer)

	start := time.Now()
	var written int
	var wmu sync.Mutex // the writer, and the reader's SETTINGS ACK
	write := func(b []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		n, err := conn.Write(b)
		written += n
		return err
	}
	// The preface goes first, before the reader may acknowledge the
	// server's SETTINGS.
	if err := write(append([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), frame(frameSettings, 0, 0, nil)...)); err != nil {
		return HeaderAnswer{}, err
	}
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		const maxFrame = 16 << 10
		buf := make([]byte, 0, 9+maxFrame)
		for sent, first := 0, true; first || sent < total; first = false {
			n := min(maxFrame, total-sent)
			typ, flags := byte(frameContinuation), byte(0)
			if first {
				typ = frameHeaders
			}
			if sent+n == total {
				flags = flagEndHeaders
			}
			buf = appendFrameHeader(buf[:0], n, typ, flags, 1)[:9+n]
			if _, err := io.ReadFull(block, buf[9:]); err != nil {
				return
			}
			if write(buf) != nil {
				return
			}
			sent += n
		}
		_ = write(frame(frameData, flagEndStream, 1, make([]byte, 5))) // an empty message
	}()
	ans := readAnswer(conn, write)
	ans.Elapsed = time.Since(start)
	_ = conn.Close()
	<-wrote
	wmu.Lock()
	ans.Written = written
	wmu.Unlock()
	if ctx.Err() != nil {
		return ans, fmt.Errorf("no answer before the deadline: %w", ctx.Err())
	}
	return ans, nil
}

// filler reads n bytes of 'A'.
type filler struct{ n int }

func (f *filler) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = 'A'
	}
	f.n -= k
	return k, nil
}

// readAnswer reads frames until the server answers or refuses stream 1.
func readAnswer(conn net.Conn, write func([]byte) error) HeaderAnswer {
	r := bufio.NewReader(conn)
	var hdr [9]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return HeaderAnswer{How: "connection closed"}
		}
		length := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		typ, flags := hdr[3], hdr[4]
		stream := binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff
		payload := make([]byte, length)
		if _, err := io.ReadFull(r, payload); err != nil {
			return HeaderAnswer{How: "connection closed"}
		}
		switch {
		case typ == frameSettings && flags&flagAck == 0:
			_ = write(frame(frameSettings, flagAck, 0, nil))
		case typ == frameHeaders && stream == 1:
			return HeaderAnswer{Answered: true, How: "HEADERS " + grpcStatus(payload)}
		case typ == frameRSTStream && stream == 1 && len(payload) == 4:
			return HeaderAnswer{How: "RST_STREAM " + errorCode(binary.BigEndian.Uint32(payload))}
		case typ == frameGoAway && len(payload) >= 8:
			return HeaderAnswer{How: "GOAWAY " + errorCode(binary.BigEndian.Uint32(payload[4:]))}
		}
	}
}

// HTTP/2 frame types and flags (RFC 9113, section 6).
const (
	frameData         = 0x0
	frameHeaders      = 0x1
	frameRSTStream    = 0x3
	frameSettings     = 0x4
	framePing         = 0x6
	frameGoAway       = 0x7
	frameContinuation = 0x9

	flagEndStream  = 0x1
	flagAck        = 0x1
	flagEndHeaders = 0x4
)

// frame encodes one HTTP/2 frame.
func frame(typ, flags byte, stream uint32, payload []byte) []byte {
	return append(appendFrameHeader(nil, len(payload), typ, flags, stream), payload...)
}

func appendFrameHeader(b []byte, length int, typ, flags byte, stream uint32) []byte {
	b = append(b, byte(length>>16), byte(length>>8), byte(length), typ, flags) //nolint:gosec // G115: a 24-bit length, byte by byte
	return binary.BigEndian.AppendUint32(b, stream)
}

// hpackLiterals encodes name/value pairs as literal fields without
// indexing and without Huffman coding (RFC 7541, section 6.2.2).
func hpackLiterals(pairs ...string) []byte {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		b = append(b, 0x00)
		for _, s := range pairs[i : i+2] {
			b = hpackInt(b, 7, 0x00, len(s))
			b = append(b, s...)
		}
	}
	return b
}

// hpackInt encodes n with an n-bit prefix after the high bits in first
// (RFC 7541, section 5.1).
func hpackInt(b []byte, prefix uint, first byte, n int) []byte {
	limit := 1<<prefix - 1
	if n < limit {
		return append(b, first|byte(n)) //nolint:gosec // G115: n < limit < 256
	}
	b = append(b, first|byte(limit)) //nolint:gosec // G115: limit < 256
	for n -= limit; n >= 128; n >>= 7 {
		b = append(b, byte(n&0x7f|0x80)) //nolint:gosec // G115: masked to 8 bits
	}
	return append(b, byte(n)) //nolint:gosec // G115: n < 128
}

// grpcStatus finds grpc-status in a header block the server encoded; the
// server may use Huffman coding or indexing, so this is best effort.
func grpcStatus(block []byte) string {
	if i := strings.Index(string(block), "grpc-status"); i >= 0 && i+13 < len(block) {
		return "grpc-status=" + string(block[i+12:i+14])
	}
	return "(response headers)"
}

func errorCode(c uint32) string {
	names := []string{"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
		"STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
		"ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"}
	if int(c) < len(names) {
		return names[c]
	}
	return fmt.Sprintf("error 0x%x", c)
}
