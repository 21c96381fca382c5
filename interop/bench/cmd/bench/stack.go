package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"
)

// idleTimeout is the idle timeout both stacks advertise: long enough that
// the 1000 idle connections of the memory case outlive the measurement.
const idleTimeout = 60 * time.Second

// alpn is the application protocol both sides offer (HTTP/0.9 as in the
// interop runner).
const alpn = "hq-interop"

// A stack is one QUIC implementation under test.
type stack interface {
	// listen serves on pc, which the listener owns from then on.
	listen(pc *net.UDPConn, tc *tls.Config) (listener, error)
	// client returns a dialer on pc, which it owns from then on.
	client(pc *net.UDPConn, tc *tls.Config) (dialer, error)
}

type listener interface {
	Accept(ctx context.Context) (conn, error)
	Close() error
}

type dialer interface {
	Dial(ctx context.Context, addr *net.UDPAddr) (conn, error)
	Close() error
}

// socketStatser is a listener or dialer that counts its socket's traffic
// (quicr does; quic-go does not say).
type socketStatser interface {
	socketStats() map[string]uint64
}

// socketStatsOf returns v's socket counters, if it has them.
func socketStatsOf(v any) map[string]uint64 {
	if s, ok := v.(socketStatser); ok {
		return s.socketStats()
	}
	return nil
}

// conn is the part of a connection the benchmark uses.
type conn interface {
	OpenStreamSync(ctx context.Context) (stream, error)
	AcceptStream(ctx context.Context) (stream, error)
	Close() error
	Done() <-chan struct{}
	Stats() connStats
}

// stream is a bidirectional stream; Close sends FIN and leaves the
// receive side open, as in both stacks.
type stream interface {
	io.ReadWriteCloser
}

// connStats are the counters both stacks report.
type connStats struct {
	PacketsSent     uint64 `json:"packets_sent"`
	PacketsReceived uint64 `json:"packets_received"`
	PacketsLost     uint64 `json:"packets_lost"`
}

func (s *connStats) add(o connStats) {
	s.PacketsSent += o.PacketsSent
	s.PacketsReceived += o.PacketsReceived
	s.PacketsLost += o.PacketsLost
}

// Stack names as the flags spell them.
const (
	stackQuicr  = "quicr"
	stackQuicGo = "quic-go"
)

// newStack returns the named stack; maxStreams, if not 0, overrides both
// stacks' default limit of 100 concurrent incoming streams.
func newStack(name string, maxStreams int64) (stack, error) {
	switch name {
	case stackQuicr:
		return quicrStack{maxStreams}, nil
	case stackQuicGo:
		return quicGoStack{maxStreams}, nil
	}
	return nil, fmt.Errorf("unknown stack %q (want %s or %s)", name, stackQuicr, stackQuicGo)
}
