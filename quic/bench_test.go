package quic

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"testing"
	"time"
)

// BenchmarkThroughput downloads size bytes on one stream over loopback,
// from 1 MiB up to 1 GiB (x/net's BenchmarkThroughput sizes, plus the
// issue's 1 GiB): go test -run '^$' -bench Throughput/1GiB ./quic/
func BenchmarkThroughput(b *testing.B) {
	for _, size := range []int{1 << 20, 16 << 20, 64 << 20, 1 << 30} {
		b.Run(sizeName(size), func(b *testing.B) {
			srv, ctls := downloadServer(b, nil, size)
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			runDownloads(b, ctx, srv.Addr().String(), ctls, nil, size)
		})
	}
}

// downloadServer listens on loopback with conf and answers every stream,
// once its request's FIN has arrived, with size bytes and a FIN.
func downloadServer(b *testing.B, conf *Config, size int) (*Endpoint, *tls.Config) {
	stls, ctls := testTLS(b)
	srv, err := Listen("127.0.0.1:0", stls, conf)
	if err != nil {
		b.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	go func() {
		c, err := srv.Accept(context.Background())
		if err != nil {
			return
		}
		for {
			s, err := c.AcceptStream(context.Background())
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, &s.RecvStream)
				for left := size; left > 0; left -= len(chunk) {
					if _, err := s.Write(chunk[:min(left, len(chunk))]); err != nil {
						return
					}
				}
				s.Close()
			}()
		}
	}()
	return srv, ctls
}

// runDownloads dials addr and makes b.N downloads of size bytes, each on a
// stream of its own, reporting throughput and allocations.
func runDownloads(b *testing.B, ctx context.Context, addr string, ctls *tls.Config, conf *Config, size int) {
	c, err := Dial(ctx, addr, ctls, conf)
	if err != nil {
		b.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.OpenStreamSync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{&s.RecvStream}, buf)
		if err != nil || n != int64(size) {
			b.Fatalf("read %d of %d bytes: %v", n, size, err)
		}
	}
}

func sizeName(n int) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%dGiB", n>>30)
	}
	return fmt.Sprintf("%dMiB", n>>20)
}

// BenchmarkHandshake dials the echo server over loopback, makes one
// exchange on a stream and closes, one connection per op (the bench
// program's hs-seq case, in one process): go test -run '^$' -bench
// Handshake -benchmem ./quic/. Time per op is latency; cpu-ns/op is the
// CPU both ends used, what bounds the rate of many parallel handshakes.
func BenchmarkHandshake(b *testing.B) {
	srv, ctls := echoServer(b, nil)
	defer srv.Close()
	cl := listenClient(b, nil)
	buf := make([]byte, 16)
	b.ReportAllocs()
	cpu0, cpuOK := processCPU()
	for b.Loop() {
		if err := handshakeExchange(cl, srv.Addr().String(), ctls, buf); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, _ := processCPU(); cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkHandshakeParallel is BenchmarkHandshake with 64 connections at a
// time on one client endpoint (the bench program's hs-par case, in one
// process).
func BenchmarkHandshakeParallel(b *testing.B) {
	srv, ctls := echoServer(b, nil)
	defer srv.Close()
	cl := listenClient(b, nil)
	b.ReportAllocs()
	b.SetParallelism(32) // 64 goroutines on 2 CPUs
	cpu0, cpuOK := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 16)
		for pb.Next() {
			if err := handshakeExchange(cl, srv.Addr().String(), ctls, buf); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if cpu1, _ := processCPU(); cpuOK {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// handshakeExchange dials addr from cl, echoes 4 bytes on a stream and
// closes the connection.
func handshakeExchange(cl *Endpoint, addr string, ctls *tls.Config, buf []byte) error {
	ctx := context.Background()
	msg := []byte("ping")
	c, err := cl.Dial(ctx, addr, ctls, nil)
	if err != nil {
		return err
	}
	defer c.CloseWithError(0, "")
	s, err := c.OpenStreamSync(ctx)
	if err != nil {
		return err
	}
	s.Write(msg)
	s.Close()
	if n, err := io.ReadFull(&s.RecvStream, buf[:len(msg)]); err != nil || n != len(msg) {
		return fmt.Errorf("echo: %d bytes, %v", n, err)
	}
	return nil
}
