package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/interop/hq"
)

const description = `Fetches each URL (https://host[:port]/path, port 443 by default) over
HTTP/0.9 on QUIC, the protocol of the QUIC interop runner (ALPN
hq-interop), and saves the body as OUT/<path>. By default all URLs share
one connection per server and are fetched concurrently, one stream each;
the client waits for stream credit when the server's limit is reached.

On a terminal a progress bar shows on stderr. At the end, one line per
file and a total give the size, the time and the throughput. The exit
status is 0 when every file arrived, 1 otherwise.

INTEROP RUNNER MODE
   With ROLE=client and TESTCASE set, the client is a QUIC interop runner
   endpoint: the URLs come from $REQUESTS (space-separated) unless given as
   arguments, files go to /downloads, certificates are not verified (the
   SNI is the URL's host), TLS secrets go to $SSLKEYLOGFILE, and TESTCASE
   picks the pattern:
     handshake, transfer, retry, ecn   one connection, QUIC v1, all URLs
                                       concurrently
     v2                                start with v1, offer v2 (RFC 9368)
     chacha20                          offer only TLS_CHACHA20_POLY1305_SHA256
     multiconnect                      one connection per URL, in turn
     resumption                        first URL, wait for the session
                                       ticket, then the rest on a resumed
                                       connection
     zerortt                           as resumption, but the second
                                       connection sends its requests in 0-RTT
     keyupdate                         initiate a 1-RTT key update as soon
                                       as the response data flows
        http3   fetch over HTTP/3 (ALPN h3)
   Any other TESTCASE
   exits at once with status 127. Flags given on the command line still
   override these settings; qlog files go to $QLOGDIR.

EXAMPLES
   Fetch two files from a local server with a self-signed certificate:
      client --insecure --out /tmp/dl https://localhost:4433/a.txt https://localhost:4433/b.bin
   One connection per file, QUIC v2 first, CUBIC replaced by NewReno:
      client -k --sequential --versions v2,v1 --cc newreno https://example.net/x https://example.net/y
   Resume the TLS session for all but the first file:
      client -k --resume https://localhost:4433/1 https://localhost:4433/2 https://localhost:4433/3
   Run as the interop runner would:
      ROLE=client TESTCASE=transfer REQUESTS="https://server4:443/f1 https://server4:443/f2" client`

// newApp builds the command line interface.
func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:            "client",
		Usage:           "fetch files over HTTP/0.9 on QUIC (hq-interop)",
		UsageText:       "client [flags] URL...",
		Description:     description,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // run picks the exit code
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: ".", Usage: "save each file as `DIR`/<url path> (runner mode: /downloads)"},
			&cli.BoolFlag{Name: "insecure", Aliases: []string{"k"}, Usage: "do not verify the server's certificate (runner mode: on)"},
			&cli.StringFlag{Name: "ca", Usage: "trust the CA certificates in `FILE` (PEM) instead of the system's"},
			&cli.StringFlag{Name: "alpn", Value: hq.ALPN, Usage: "offer the ALPN `TOKEN`"},
			&cli.StringFlag{Name: "qlog-dir", EnvVars: []string{"QLOGDIR"}, Usage: "write a qlog file per connection into `DIR` (<odcid>_client.sqlog)"},
			&cli.StringFlag{Name: "keylog", EnvVars: []string{"SSLKEYLOGFILE"}, Usage: "append the TLS secrets of every connection to `FILE` (NSS key log format)"},
			&cli.StringFlag{Name: "versions", Value: "v1,v2", Usage: "QUIC `VERSIONS`: start with the first, offer the others for compatible negotiation; 1 or v1, 2 or v2, or numbers like 0x6b3343cf (runner mode: v1, or v1,v2 for v2)"},
			&cli.StringFlag{Name: "cc", Value: "cubic", Usage: "congestion controller `ALGO`: cubic or newreno"},
			&cli.BoolFlag{Name: "key-update", Usage: "initiate a key update as soon as response data arrives (runner keyupdate: on)"},
			&cli.Uint64Flag{Name: "key-update-interval", Usage: "start a key update every `N` packets sent under one key (0: only at the AEAD limits)"},
			&cli.BoolFlag{Name: "parallel", Usage: "one connection per server, all URLs at once (the default)"},
			&cli.BoolFlag{Name: "sequential", Usage: "one connection per URL, one after the other"},
			&cli.BoolFlag{Name: "resume", Usage: "fetch the first URL, wait for a session ticket, close, then fetch the rest on a resumed connection"},
			&cli.BoolFlag{Name: "0rtt", Usage: "like --resume, but send the second connection's requests in 0-RTT (runner zerortt: on)"},
			&cli.BoolFlag{Name: "chacha20", Usage: "offer only the TLS_CHACHA20_POLY1305_SHA256 cipher suite"},
			&cli.DurationFlag{Name: "handshake-timeout", Usage: "give up a handshake after `DURATION` (0: the quic package's 10 s; runner mode: 1m)"},
			&cli.DurationFlag{Name: "timeout", Usage: "give up after `DURATION` (0: never)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress bar, connection log or summary; only errors"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "also log each file as it completes"},
		},
		Action: fetchAction,
	}
}
