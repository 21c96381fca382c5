package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/interop/hq"
)

const description = `Serves the files under --www over HTTP/0.9 on QUIC: a client opens a
stream, sends "GET /<path>" and a FIN, and receives the file's bytes and
a FIN. This is the protocol of the QUIC interop runner (ALPN hq-interop).

Without --cert and --key the server makes a self-signed certificate for
localhost, this host's name, 127.0.0.1 and ::1, and prints its SHA-256
fingerprint; clients then need --insecure (or to trust that certificate).

One line per connection goes to stderr: the peer, QUIC version, ALPN,
duration and bytes sent and received.

INTEROP RUNNER MODE
   With ROLE=server and TESTCASE set, the server is a QUIC interop runner
   endpoint: it listens on UDP 443 (IPv4 and IPv6), serves /www, loads
   /certs/cert.pem and /certs/priv.key, writes TLS secrets to
   $SSLKEYLOGFILE, and sets itself up for TESTCASE:
     handshake, transfer, multiconnect, chacha20, resumption, ecn,
     versionnegotiation   plain HTTP/0.9
     retry                every connection must first answer a Retry
     v2                   prefer QUIC v2 (compatible version negotiation)
     zerortt              accept 0-RTT requests
     connectionmigration  offer server6:443 as preferred_address
        http3                HTTP/3 (ALPN h3) instead of HTTP/0.9
   Any other TESTCASE
   exits at once with status 127. Flags given on the command line still
   override these settings; qlog files go to $QLOGDIR.

EXAMPLES
   Serve the current directory on UDP port 4433:
      server
   Serve ./site on port 443 with a real certificate:
      server --listen :443 --www ./site --cert fullchain.pem --key key.pem
   Require a Retry, prefer QUIC v2, log the TLS secrets:
      server --retry --versions v2,v1 --keylog /tmp/keys.log
   Run as the interop runner would:
      ROLE=server TESTCASE=transfer SSLKEYLOGFILE=/logs/keys.log server`

// newApp builds the command line interface.
func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:            "server",
		Usage:           "serve files over HTTP/0.9 on QUIC (hq-interop)",
		UsageText:       "server [flags]",
		Description:     description,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // run picks the exit code
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Aliases: []string{"l"}, Value: ":4433", Usage: "listen on UDP `ADDR` (host:port); with no host, on IPv4 and IPv6 (runner mode: [::]:443)"},
			&cli.StringFlag{Name: "www", Aliases: []string{"w"}, Value: ".", Usage: "serve the files under `DIR` (runner mode: /www)"},
			&cli.StringFlag{Name: "cert", Usage: "certificate chain in `FILE` (PEM, leaf first); default: self-signed (runner mode: /certs/cert.pem)"},
			&cli.StringFlag{Name: "key", Usage: "private key in `FILE` (PEM) for --cert (runner mode: /certs/priv.key)"},
			&cli.StringFlag{Name: "alpn", Value: hq.ALPN + ",h3", Usage: "accept the ALPN `TOKENS`, comma-separated (hq-interop: HTTP/0.9; h3: HTTP/3)"},
			&cli.StringFlag{Name: "qlog-dir", EnvVars: []string{"QLOGDIR"}, Usage: "write a qlog file per connection into `DIR` (<odcid>_server.sqlog)"},
			&cli.StringFlag{Name: "keylog", EnvVars: []string{"SSLKEYLOGFILE"}, Usage: "append the TLS secrets of every connection to `FILE` (NSS key log format)"},
			&cli.StringFlag{Name: "versions", Value: "v1,v2", Usage: "accept the QUIC `VERSIONS`, most preferred first: 1 or v1, 2 or v2, or numbers like 0x6b3343cf"},
			&cli.BoolFlag{Name: "0rtt", Usage: "accept 0-RTT data and issue tickets that allow it (runner zerortt: on)"},
			&cli.StringSliceFlag{Name: "preferred-address", Usage: "offer `HOST:PORT` as preferred_address, one per address family; the socket must receive on it (runner connectionmigration: server6:443)"},
			&cli.BoolFlag{Name: "retry", Usage: "send a Retry to validate every client's address before its handshake"},
			&cli.StringFlag{Name: "cc", Value: "cubic", Usage: "congestion controller `ALGO`: cubic or newreno"},
			&cli.Uint64Flag{Name: "key-update", Usage: "start a key update every `N` packets sent under one key (0: only at the AEAD limits)"},
			&cli.DurationFlag{Name: "handshake-timeout", Usage: "give up a handshake after `DURATION` (0: the quic package's 10 s; runner mode: 1m)"},
			&cli.Int64Flag{Name: "max-streams", Value: 100, Usage: "let a client have `N` bidirectional streams open at once"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "log only errors"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also log every refused request"},
		},
		Action: serveAction,
	}
}
