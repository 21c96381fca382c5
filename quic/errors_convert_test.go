package quic

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// TestFromCore checks the conversion of every core error into its public
// type, bare, wrapped and joined, and that it allocates only the result.
func TestFromCore(t *testing.T) {
	tests := []struct {
		in   error
		want error
	}{
		{nil, nil},
		{io.EOF, io.EOF},
		{&core.StreamError{StreamID: 4, Code: 7, Remote: true}, &StreamError{StreamID: 4, Code: 7, Remote: true}},
		{&core.PeerClosedError{Application: true, Code: 9, Reason: "bye"}, &ApplicationError{Code: 9, Reason: "bye", Remote: true}},
		{&core.PeerClosedError{Code: 0xa, FrameType: 6, Reason: "x"}, &TransportError{Code: 0xa, FrameType: 6, Reason: "x", Remote: true}},
		{&core.AppCloseError{Code: 3, Reason: "done"}, &ApplicationError{Code: 3, Reason: "done"}},
		{&qerr.TransportError{Code: qerr.ProtocolViolation, Reason: "bad"}, &TransportError{Code: qerr.ProtocolViolation, Reason: "bad"}},
		{core.ErrIdleTimeout, &IdleTimeoutError{}},
		{core.ErrHandshakeTimeout, &HandshakeTimeoutError{}},
		{core.ErrStatelessReset, &StatelessResetError{}},
		{core.ErrMigrationDisabled, &MigrationDisabledError{}},
		{errOther, errOther},
	}
	for _, tt := range tests {
		ins := []error{tt.in}
		if tt.in != nil && tt.in != io.EOF && tt.in != errOther {
			ins = append(ins, fmt.Errorf("wrapped: %w", tt.in), errors.Join(errOther, tt.in))
		}
		for _, in := range ins {
			if got := fromCore(in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fromCore(%v) = %#v, want %#v", in, got, tt.want)
			}
		}
	}
	appClose := &core.AppCloseError{Code: 1}
	if n := testing.AllocsPerRun(100, func() { fromCore(appClose) }); n > 1 {
		t.Errorf("fromCore of a bare core error: %v allocations, want 1", n)
	}
}

var errOther = errors.New("some other error")
