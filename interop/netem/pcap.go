package netem

import (
	"encoding/binary"
	"io"
	"net/netip"
	"sync"
	"time"
)

// pcap file constants (the classic libpcap format, microsecond stamps).
const (
	pcapMagic   = 0xa1b2c3d4
	pcapSnapLen = 65535 + 48
	linkTypeRaw = 101 // LINKTYPE_RAW: each record starts with an IPv4 or IPv6 header
)

// pcapWriter writes forwarded datagrams as raw IP packets with synthesized
// IP and UDP headers, so tshark's QUIC dissector sees the UDP ports.
type pcapWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

func newPcapWriter(w io.Writer) (*pcapWriter, error) {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagic)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(h[20:], linkTypeRaw)
	if _, err := w.Write(h[:]); err != nil {
		return nil, err
	}
	return &pcapWriter{w: w}, nil
}

// write records one datagram; the first write error sticks.
func (p *pcapWriter) write(ts time.Time, src, dst netip.AddrPort, ecn uint8, payload []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	pkt := appendIPUDP(p.buf[:0], src, dst, ecn, payload)
	var rec [16]byte
	us := ts.UnixMicro()
	binary.LittleEndian.PutUint32(rec[0:], uint32(us/1e6))
	binary.LittleEndian.PutUint32(rec[4:], uint32(us%1e6))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(pkt)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(pkt)))
	if _, p.err = p.w.Write(rec[:]); p.err == nil {
		_, p.err = p.w.Write(pkt)
	}
	p.buf = pkt
}

// appendIPUDP appends an IPv4 or IPv6 packet (by src's family) carrying
// payload in UDP, with correct lengths and checksums and ECN in the TOS or
// traffic class byte.
func appendIPUDP(b []byte, src, dst netip.AddrPort, ecn uint8, payload []byte) []byte {
	udpLen := 8 + len(payload)
	s, d := src.Addr().Unmap(), dst.Addr().Unmap()
	var pseudo uint32 // the UDP checksum's pseudo-header sum (RFC 768; RFC 8200, 8.1)
	if s.Is4() && d.Is4() {
		ip := make([]byte, 20)
		ip[0] = 0x45
		ip[1] = ecn & 3
		binary.BigEndian.PutUint16(ip[2:], uint16(20+udpLen))
		binary.BigEndian.PutUint16(ip[6:], 0x4000) // DF
		ip[8], ip[9] = 64, 17
		s4, d4 := s.As4(), d.As4()
		copy(ip[12:], s4[:])
		copy(ip[16:], d4[:])
		binary.BigEndian.PutUint16(ip[10:], ^fold(sum(0, ip)))
		b = append(b, ip...)
		pseudo = sum(sum(0, s4[:]), d4[:]) + 17 + uint32(udpLen)
	} else {
		ip := make([]byte, 40)
		ip[0] = 0x60           // version 6; the traffic class straddles bytes 0 and 1
		ip[1] = (ecn & 3) << 4 // ECN is its low two bits
		binary.BigEndian.PutUint16(ip[4:], uint16(udpLen))
		ip[6], ip[7] = 17, 64
		s16, d16 := s.As16(), d.As16()
		copy(ip[8:], s16[:])
		copy(ip[24:], d16[:])
		b = append(b, ip...)
		pseudo = sum(sum(0, s16[:]), d16[:]) + 17 + uint32(udpLen)
	}
	udp := len(b)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	b = binary.BigEndian.AppendUint16(b, uint16(udpLen))
	b = append(b, 0, 0)
	b = append(b, payload...)
	c := ^fold(sum(pseudo, b[udp:]))
	if c == 0 {
		c = 0xffff // RFC 768: a computed zero is sent as all ones
	}
	binary.BigEndian.PutUint16(b[udp+6:], c)
	return b
}

// sum adds b as big-endian 16-bit words to s (the Internet checksum,
// RFC 1071).
func sum(s uint32, b []byte) uint32 {
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// fold reduces a 32-bit sum to 16 bits with end-around carry.
func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}
