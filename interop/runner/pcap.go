//go:build linux

package runner

import (
	"bufio"
	"encoding/binary"
	"os"

	"github.com/quicr/quicr/quic/quicdump"
)

// writePcap writes captured datagrams as a classic pcap file of raw IP
// packets (LINKTYPE_RAW) with synthesized IP and UDP headers, so that
// Wireshark, given the key log, decodes them as the runner's
// trace_node_left.pcap and trace_node_right.pcap. Checksums are left
// zero: the captures were taken after the kernel's checks.
func writePcap(path string, dgrams []quicdump.Datagram) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535+48)
	binary.LittleEndian.PutUint32(hdr[20:], 101)
	w.Write(hdr)
	var pkt []byte
	for _, d := range dgrams {
		pkt = appendIPUDP(pkt[:0], d)
		var rec [16]byte
		us := d.Time.UnixMicro()
		binary.LittleEndian.PutUint32(rec[0:], uint32(us/1e6))
		binary.LittleEndian.PutUint32(rec[4:], uint32(us%1e6))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(pkt)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(pkt)))
		w.Write(rec[:])
		w.Write(pkt)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// appendIPUDP appends d as an IPv4 or IPv6 packet with a UDP header.
func appendIPUDP(b []byte, d quicdump.Datagram) []byte {
	udpLen := 8 + len(d.Data)
	src, dst := d.Src.Addr().Unmap(), d.Dst.Addr().Unmap()
	if src.Is4() && dst.Is4() {
		b = append(b, 0x45, d.ECN&3)
		b = binary.BigEndian.AppendUint16(b, uint16(20+udpLen))
		b = append(b, 0, 0, 0x40, 0, 64, 17, 0, 0)
		s, t := src.As4(), dst.As4()
		b = append(append(b, s[:]...), t[:]...)
	} else {
		b = append(b, 0x60, (d.ECN&3)<<4, 0, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(udpLen))
		b = append(b, 17, 64)
		s, t := src.As16(), dst.As16()
		b = append(append(b, s[:]...), t[:]...)
	}
	b = binary.BigEndian.AppendUint16(b, d.Src.Port())
	b = binary.BigEndian.AppendUint16(b, d.Dst.Port())
	b = binary.BigEndian.AppendUint16(b, uint16(udpLen))
	b = append(b, 0, 0)
	return append(b, d.Data...)
}
