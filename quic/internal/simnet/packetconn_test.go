package simnet

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

var (
	addrA = netip.MustParseAddrPort("10.0.0.1:1000")
	addrB = netip.MustParseAddrPort("10.0.0.2:2000")
)

// connPair returns two conns on a new hub.
func connPair(t *testing.T, cfg LinkConfig) (*Hub, *PacketConn, *PacketConn) {
	h := NewHub(TestSeed(t), cfg)
	a, err := h.Listen(addrA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Listen(addrB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return h, a, b
}

func TestPacketConnDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := connPair(t, LinkConfig{Delay: 30 * ms})
		start := time.Now()
		if _, err := a.WriteDatagram([]byte("ping"), netmodel.ECT0, addrB); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		n, ecn, from, err := b.ReadDatagram(buf)
		if err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el != 30*ms {
			t.Errorf("arrived after %v, want exactly 30ms", el)
		}
		if string(buf[:n]) != "ping" || ecn != netmodel.ECT0 || from != addrA {
			t.Errorf("got %q ecn %d from %v", buf[:n], ecn, from)
		}
		// net.PacketConn methods, back the other way.
		if _, err := b.WriteTo([]byte("pong"), net.UDPAddrFromAddrPort(from)); err != nil {
			t.Fatal(err)
		}
		n, addr, err := a.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "pong" || addr.String() != addrB.String() {
			t.Errorf("ReadFrom: %q %v %v", buf[:n], addr, err)
		}
		if el := time.Since(start); el != 60*ms {
			t.Errorf("round trip %v, want 60ms", el)
		}
	})
}

func TestPacketConnOrderAndBandwidth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 97 + 28 bytes at 1 Mbit/s: one datagram per millisecond.
		h, a, b := connPair(t, LinkConfig{Delay: 10 * ms, Bandwidth: 1_000_000, Queue: 3})
		start := time.Now()
		for i := range 5 {
			msg := make([]byte, 97)
			msg[0] = byte(i)
			a.WriteToUDPAddrPort(msg, addrB)
		}
		buf := make([]byte, 200)
		for i := range 3 {
			n, _, err := b.ReadFromUDPAddrPort(buf)
			if err != nil || n != 97 || buf[0] != byte(i) {
				t.Fatalf("read %d: n=%d first=%d err=%v", i, n, buf[0], err)
			}
			if el, want := time.Since(start), time.Duration(11+i)*ms; el != want {
				t.Errorf("datagram %d after %v, want %v", i, el, want)
			}
		}
		if st := h.Stats(addrA, addrB); st.Dropped[netmodel.DropQueue] != 2 || st.Delivered != 3 {
			t.Errorf("stats %v", st)
		}
	})
}

func TestPacketConnDeadlineAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, _ := connPair(t, LinkConfig{})
		start := time.Now()
		a.SetReadDeadline(start.Add(10 * ms))
		done := make(chan error)
		go func() {
			_, _, err := a.ReadFrom(make([]byte, 10))
			done <- err
		}()
		synctest.Wait()
		// Moving the deadline while the reader is blocked takes effect.
		a.SetReadDeadline(start.Add(25 * ms))
		err := <-done
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("got %v, want a deadline error", err)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("%v is not a timeout", err)
		}
		if el := time.Since(start); el != 25*ms {
			t.Errorf("deadline hit after %v, want 25ms", el)
		}
		// Reset the deadline; Close unblocks the reader.
		a.SetReadDeadline(time.Time{})
		go func() {
			_, _, err := a.ReadFrom(make([]byte, 10))
			done <- err
		}()
		synctest.Wait()
		a.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("read after close: %v", err)
		}
		if _, err := a.WriteToUDPAddrPort([]byte("x"), addrB); !errors.Is(err, net.ErrClosed) {
			t.Errorf("write after close: %v", err)
		}
	})
}

func TestPacketConnRebind(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h, a, b := connPair(t, LinkConfig{Delay: 5 * ms})
		nat := netip.MustParseAddrPort("10.0.0.1:4444")
		if err := h.Rebind(addrA, nat); err != nil {
			t.Fatal(err)
		}
		a.WriteToUDPAddrPort([]byte("hi"), addrB)
		buf := make([]byte, 10)
		_, from, err := b.ReadFromUDPAddrPort(buf)
		if err != nil || from != nat {
			t.Fatalf("server saw %v (%v), want %v", from, err, nat)
		}
		b.WriteToUDPAddrPort([]byte("old"), addrA) // retired mapping: dropped
		b.WriteToUDPAddrPort([]byte("new"), nat)
		n, _, err := a.ReadFromUDPAddrPort(buf)
		if err != nil || string(buf[:n]) != "new" {
			t.Errorf("client read %q %v", buf[:n], err)
		}
		if a.LocalAddr().String() != addrA.String() {
			t.Errorf("local address changed to %v", a.LocalAddr())
		}
		if _, err := h.Listen(addrB); err == nil {
			t.Error("listened twice on one address")
		}
	})
}
