package servertest

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
)

// ParkedCalls are calls opened by ParkCalls.
type ParkedCalls struct {
	conn net.Conn

	mu     sync.Mutex
	ended  map[uint32]bool
	closed bool
}

// ParkCalls opens calls calls of method on one raw HTTP/2 connection to
// addr (TLS when tlsCfg is not nil, from local when it is not empty), each
// with an authorization header of headerBytes and no request message, as
// a client parking calls on the server before it can be authenticated
// would, and counts the calls the server ends (refused, reset, or timed
// out). Close the connection when done.
func ParkCalls(ctx context.Context, addr, local string, tlsCfg *tls.Config, method string, calls, headerBytes int) (*ParkedCalls, error) {
	var d net.Dialer
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if tlsCfg != nil {
		cfg := tlsCfg.Clone()
		cfg.NextProtos = []string{"h2"}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, err
		}
		conn, scheme = tc, "https"
	}
	p := &ParkedCalls{conn: conn, ended: map[uint32]bool{}}
	block := hpackLiterals(":method", "POST", ":scheme", scheme, ":path", method, ":authority", addr,
		"content-type", "application/grpc", "te", "trailers", "authorization", "Bearer "+strings.Repeat("A", max(headerBytes-7, 0)))
	var wmu sync.Mutex
	write := func(b []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		_, err := conn.Write(b)
		return err
	}
	if err := write(append([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), frame(frameSettings, 0, 0, nil)...)); err != nil {
		_ = conn.Close()
		return nil, err
	}
	go p.read(write)
	for i := range calls {
		// A header block of up to 16 KiB fits one frame.
		if err := write(frame(frameHeaders, flagEndHeaders, uint32(2*i+1), block)); err != nil {
			break
		}
	}
	return p, nil
}

// read counts the calls the server ends: trailers (a HEADERS frame that
// ends the stream) or RST_STREAM; a GOAWAY or a closed connection ends
// them all.
func (p *ParkedCalls) read(write func([]byte) error) {
	defer func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
	}()
	r := bufio.NewReader(p.conn)
	var hdr [9]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		length := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
		payload := make([]byte, length)
		if _, err := io.ReadFull(r, payload); err != nil {
			return
		}
		typ, flags := hdr[3], hdr[4]
		stream := binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff
		ended := false
		switch {
		case typ == frameSettings && flags&flagAck == 0:
			_ = write(frame(frameSettings, flagAck, 0, nil))
		case typ == framePing && flags&flagAck == 0:
			_ = write(frame(framePing, flagAck, 0, payload))
		case typ == frameHeaders && flags&flagEndStream != 0, typ == frameRSTStream:
			ended = stream != 0
		case typ == frameGoAway:
			return
		}
		if ended {
			p.mu.Lock()
			p.ended[stream] = true // trailers and a reset may both end one call
			p.mu.Unlock()
		}
	}
}

// Ended reports how many of the calls the server has ended, and whether
// the connection is closed.
func (p *ParkedCalls) Ended() (ended int, closed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ended), p.closed
}

// Close closes the connection.
func (p *ParkedCalls) Close() error { return p.conn.Close() }
