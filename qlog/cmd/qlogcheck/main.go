// Command qlogcheck validates JSON-SEQ qlog traces against the project's
// checklist (qlog.md section 6).
//
//	qlogcheck FILE...
//
// Each problem is printed as "file:record: message" (record 1 is the
// header, 0 the whole file); the exit status is 1 if any file has a
// problem that is not a warning, 2 on usage or read errors.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/quicr/quicr/qlog/qlogcheck"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("qlogcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("q", false, "do not print warnings")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qlogcheck [-q] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, path := range fs.Args() {
		probs, err := qlogcheck.CheckFile(path)
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 2
			continue
		}
		for _, p := range probs {
			if p.Warning && *quiet {
				continue
			}
			fmt.Fprintf(stdout, "%s:%s\n", path, p)
		}
		if qlogcheck.Failed(probs) && status == 0 {
			status = 1
		}
	}
	return status
}
