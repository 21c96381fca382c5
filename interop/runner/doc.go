//go:build linux

// Package runner reproduces the QUIC interop runner on one Linux machine,
// without Docker: it runs any client command against any server command
// that follows the runner's endpoint contract (environment ROLE, TESTCASE,
// REQUESTS, SSLKEYLOGFILE, QLOGDIR; paths /www, /downloads, /certs, /logs;
// the server on UDP 443; exit 127 for unknown cases), replays the runner's
// network scenarios and judges each run with the runner's checks
// (interop-runner.md is the contract).
//
// # Sandbox
//
// Each endpoint runs in its own mount namespace (unshare(1)), where the
// run's directories are bind-mounted over /www (read-only), /downloads,
// /certs (read-only) and /logs, and a per-run hosts file over /etc/hosts
// maps server, server4, server6 and server46. Missing mountpoints are
// created at New and removed at Close. The runner needs root.
//
// # Topologies
//
// B, loopback (every case by default): both endpoints share the runner's
// network namespace. The server listens on UDP 443; the netem relay
// (interop/netem) listens on 127.0.0.2 (::1 for ipv6) on a free port and
// forwards to 127.0.0.1:443 (or [::1]:443) through the scenario's link
// models, so every ns-3 scenario (delay, bandwidth, queue, drop-rate with
// burst caps, corrupt-rate, droplist, blackhole, rebind) is reproduced.
// URLs name that port (https://server4:PORT/...), and the server sees
// the relay's NAT address, not the client's. An AF_PACKET capture on lo
// records both legs like the simulator's two dumpcaps: the client side
// (client <-> relay, trace_node_left) and the server side (relay <->
// server, trace_node_right). The server-side 4-tuples are therefore the
// relay's mapping sockets, which is exactly what the rebind checks need.
//
// A, network namespaces: a client, a sim and a server namespace joined by
// veth pairs at the runner's addresses (193.167.0.100, 193.167.100.100,
// fd00:cafe:cafe:0::100, fd00:cafe:cafe:100::100), the sim routing
// between them with tbf shaping to the scenario's bandwidth. This
// machine's kernel has no sch_netem and the relay cannot sit in a routed
// path (it binds its server-facing sockets on loopback), so topology A
// has no added delay and no impairments; captures sit on the sim's two
// interfaces. ipv6, connectionmigration and crosstraffic prefer A, for real dual-stack
// addresses and a reachable preferred address; ipv6 falls back to B when
// namespaces are unavailable (or with Options.Loopback), and
// connectionmigration is then unsupported. Stale namespaces (prefix
// "quicr-<pid>-" of a dead runner) are deleted at New.
//
// crosstraffic runs in topology A too: while the client downloads, a bulk
// TCP flow (the kernel's default Cubic) goes from the server namespace to
// the client namespace through the same tbf bottleneck, in place of the
// runner's iperf pair. Without namespaces it is unsupported.
//
// # Logs
//
// With Options.LogDir (the command's -logs), each run keeps
// <server>_<client>/<test>/ as the runner lays it out: client/ and
// server/ are the endpoints' /logs (key log, qlog, output.txt), and sim/
// holds the two captures as trace_node_left.pcap and trace_node_right.pcap
// (open them in Wireshark with the key log) and their decodings as text.
//
// # Checks
//
// Captured datagrams are decoded by quic/quicdump with the client's key
// log (else the server's), and each case's check follows the runner's:
// handshake counts by distinct server Initial SCIDs in the server-side
// trace, server Initial versions, Retry and token rules, Certificate in
// resumed handshakes, 0-RTT and 1-RTT byte budgets, ClientHello cipher
// suites, initial_max_streams_bidi, key phases, ECN marks and ACK_ECN,
// the amplification budget walk, v2 versions, path validation on each new
// server 4-tuple, and goodput from server 1-RTT timing in the client-side
// trace.
package runner
