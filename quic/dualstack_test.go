package quic

import (
	"context"
	"testing"
	"time"
)

// TestDualStackClient dials an IPv4 server and an IPv6 server from one
// dual-stack client endpoint.
func TestDualStackClient(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		srv, ctls := echoServerOn(t, addr)
		defer srv.Close()
		cli, err := Listen("[::]:0", nil, nil)
		if err != nil {
			t.Skipf("no IPv6 on this machine: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := cli.Dial(ctx, srv.Addr().String(), ctls, nil)
		if err != nil {
			t.Errorf("dial %s from [::]: %v", srv.Addr(), err)
		} else {
			fetch(t, ctx, c, []byte("dual-stack"))
			c.CloseWithError(0, "")
		}
		cancel()
		cli.Close()
	}
}
