// Command qlogmerge merges JSON-SEQ traces, typically a client's and a
// server's .sqlog of one connection, into one qlog 0.3 .qlog file that
// qvis shows side by side with aligned clocks.
//
//	qlogmerge -o out.qlog client.sqlog server.sqlog
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/quicr/quicr/qlog/qlogmerge"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("qlogmerge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output `file` (.qlog); stdout if empty")
	title := fs.String("title", "", "title of the merged file; default: the input names")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qlogmerge [-o out.qlog] [-title T] FILE.sqlog...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	inputs := make([]qlogmerge.Input, 0, fs.NArg())
	name := *title
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		inputs = append(inputs, qlogmerge.Input{Name: path, Data: data})
		if *title == "" {
			if name != "" {
				name += " + "
			}
			name += filepath.Base(path)
		}
	}
	w := stdout
	var f *os.File
	if *out != "" {
		var err error
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		w = f
	}
	err := qlogmerge.Merge(w, name, inputs...)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
