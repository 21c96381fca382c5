//go:build !linux

package netem

import "net"

// oobSize is zero: ECN marks are only kept on Linux.
func oobSize() int { return 0 }

func enableECN(*net.UDPConn, bool) error { return nil }

func parseECN([]byte) uint8 { return 0 }

func ecnOOB(uint8, bool) []byte { return nil }
