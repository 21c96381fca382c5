// Command gencerts writes cert.pem, priv.key and ca.pem for a QUIC server,
// as the interop runner's certs.sh does:
//
//	gencerts -dir /certs -chain 9
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/quicr/quicr/certs"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gencerts:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "directory to write cert.pem, priv.key and ca.pem into")
	chain := fs.Int("chain", 1, "certificates below the root (leaf plus intermediates); 9 for amplificationlimit")
	useRSA := fs.Bool("rsa", false, "give the leaf an RSA-2048 key instead of ECDSA P-256")
	pkcs1 := fs.Bool("pkcs1", false, "write an RSA leaf key as PKCS #1 instead of PKCS #8")
	names := fs.String("names", "localhost,127.0.0.1,::1", "comma-separated extra leaf names (DNS names or IP addresses)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	opts := certs.Options{ChainLength: *chain, PKCS1: *pkcs1}
	if *useRSA {
		opts.KeyType = certs.RSA2048
	}
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			opts.ExtraNames = append(opts.ExtraNames, n)
		}
	}
	c, err := certs.GenerateChain(opts)
	if err != nil {
		return err
	}
	if err := c.WriteDir(*dir); err != nil {
		return err
	}
	total := 0
	for _, der := range c.Certificate.Certificate {
		total += len(der)
	}
	fmt.Fprintf(stdout, "wrote %s, %s and %s: %d certificates below the root, %d bytes of DER, %v leaf key\n",
		filepath.Join(*dir, certs.CertFile), filepath.Join(*dir, certs.KeyFile), filepath.Join(*dir, certs.CAFile),
		len(c.Certificate.Certificate), total, opts.KeyType)
	return nil
}
