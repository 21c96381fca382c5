package sock

import "strconv"

// DefaultBufferSize is the SO_RCVBUF and SO_SNDBUF size asked for unless
// Options says otherwise: room for bursts at gigabit rates (quic-go and
// quinn ask for similar sizes).
const DefaultBufferSize = 7 << 20

// DefaultBatchSize is the most datagrams moved by one recvmmsg or sendmmsg
// unless Options says otherwise.
const DefaultBatchSize = 64

// MaxGSOSegments is the most datagrams one GSO send carries (the kernel's
// UDP_MAX_SEGMENTS on the oldest kernels that have GSO).
const MaxGSOSegments = 64

// Environment variables that switch features off whatever Options says. Any
// value strconv.ParseBool reads as true, or any other non-empty value but
// "0", "false" and the like, counts as set.
const (
	EnvDisableGSO   = "QUICR_DISABLE_GSO"
	EnvDisableGRO   = "QUICR_DISABLE_GRO"
	EnvDisableECN   = "QUICR_DISABLE_ECN"
	EnvDisableBatch = "QUICR_DISABLE_BATCH"
)

// Options configures a Conn. The zero value enables every feature the
// kernel supports.
type Options struct {
	DisableGSO   bool // send each datagram with its own sendmsg entry
	DisableGRO   bool // never ask the kernel to coalesce received datagrams
	DisableECN   bool // neither set nor report ECN codepoints
	DisableBatch bool // use recvmsg and sendmsg instead of the mmsg calls

	// BufferSize is the receive and send buffer size to ask for: 0 means
	// DefaultBufferSize, negative leaves the kernel default alone.
	BufferSize int
	// BatchSize caps the datagrams per recvmmsg or sendmmsg call: 0 means
	// DefaultBatchSize.
	BatchSize int
	// IgnoreEnv makes the Conn ignore the QUICR_DISABLE_* variables.
	IgnoreEnv bool
}

// withEnv applies the kill switches, read once when a Conn is built.
func (o Options) withEnv(getenv func(string) string) Options {
	if o.IgnoreEnv {
		return o
	}
	o.DisableGSO = o.DisableGSO || envSet(getenv(EnvDisableGSO))
	o.DisableGRO = o.DisableGRO || envSet(getenv(EnvDisableGRO))
	o.DisableECN = o.DisableECN || envSet(getenv(EnvDisableECN))
	o.DisableBatch = o.DisableBatch || envSet(getenv(EnvDisableBatch))
	return o
}

func envSet(v string) bool {
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return err != nil || b
}

func (o Options) bufferSize() int {
	if o.BufferSize == 0 {
		return DefaultBufferSize
	}
	return o.BufferSize
}

func (o Options) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}
