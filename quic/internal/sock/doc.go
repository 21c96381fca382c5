// Package sock is the UDP socket layer under the QUIC endpoint: batched
// receive (recvmmsg, GRO), batched and segmented send (sendmmsg, GSO), ECN
// codepoints in both directions, the local address of each datagram
// (pktinfo), the DF bit for path MTU probing and large socket buffers.
//
// On Linux every feature is probed when the Conn is built and switched off
// when the kernel refuses it; a GSO send the kernel rejects at run time
// turns GSO off and is resent as separate datagrams. Other systems, and any
// net.PacketConn that is not a UDP socket, get the same API with one
// datagram per system call and no ECN, GSO or GRO.
//
// This is the only package under quic/internal that performs I/O.
package sock
