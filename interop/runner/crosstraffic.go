//go:build linux

package runner

import (
	"errors"
	"io"
	"net"
	"sync"
)

// crossTraffic is the crosstraffic measurement's competing flow: one bulk
// TCP transfer from the server's network to the client's for as long as
// the run lasts, like the runner's iperf pair (iperf -c from rightnet to
// iperf -s on leftnet). Its congestion control is the kernel's default,
// Cubic, as in the runner's "-Z cubic".
type crossTraffic struct {
	ln   net.Listener
	out  net.Conn
	wg   sync.WaitGroup
	sent int64
}

// crossTrafficPort is the TCP port of the sink.
const crossTrafficPort = "5001"

// startCrossTraffic listens in the client namespace and starts sending
// from the server namespace.
func startCrossTraffic(n *namespaces) (*crossTraffic, error) {
	ct := &crossTraffic{}
	err := inNetns(nsPath(n.client), func() error {
		var err error
		ct.ln, err = net.Listen("tcp4", net.JoinHostPort(clientV4, crossTrafficPort))
		return err
	})
	if err != nil {
		return nil, err
	}
	ct.wg.Add(1)
	go func() {
		defer ct.wg.Done()
		c, err := ct.ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(io.Discard, c)
	}()
	err = inNetns(nsPath(n.server), func() error {
		var err error
		ct.out, err = net.Dial("tcp4", net.JoinHostPort(clientV4, crossTrafficPort))
		return err
	})
	if err != nil {
		ct.ln.Close()
		ct.wg.Wait()
		return nil, err
	}
	ct.wg.Add(1)
	go func() {
		defer ct.wg.Done()
		buf := make([]byte, 64<<10)
		for {
			n, err := ct.out.Write(buf)
			ct.sent += int64(n)
			if err != nil {
				return
			}
		}
	}()
	return ct, nil
}

// stop ends the flow and returns the bytes it sent.
func (ct *crossTraffic) stop() int64 {
	ct.out.Close()
	ct.ln.Close()
	ct.wg.Wait()
	return ct.sent
}

var errNoCrossTraffic = errors.New("harness: crosstraffic needs network namespaces")
