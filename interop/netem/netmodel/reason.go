package netmodel

// DropReason says why a datagram did not arrive.
type DropReason uint8

// Drop reasons, in the order a Link applies its stages.
const (
	Delivered     DropReason = iota // not dropped
	DropRule                        // a scripted Rule returned Drop
	DropMTU                         // larger than the link MTU
	DropQueue                       // tail drop: the bottleneck queue was full
	DropBlackhole                   // arrived inside a blackhole window
	DropList                        // its index was in DropList
	DropLoss                        // independent random loss (LossPercent)
	DropBurstLoss                   // Gilbert-Elliott loss
	DropCorrupt                     // corrupted and CorruptDiscards is set
	DropNoRoute                     // no node at the destination (or a retired NAT mapping)
	DropOverflow                    // the receiver's inbox was full
	NumDropReasons
)

var dropReasonNames = [...]string{
	Delivered:     "delivered",
	DropRule:      "rule",
	DropMTU:       "mtu",
	DropQueue:     "queue",
	DropBlackhole: "blackhole",
	DropList:      "droplist",
	DropLoss:      "loss",
	DropBurstLoss: "burst_loss",
	DropCorrupt:   "corrupt",
	DropNoRoute:   "no_route",
	DropOverflow:  "overflow",
}

// String returns a short lower-case name for the reason.
func (r DropReason) String() string {
	if int(r) < len(dropReasonNames) {
		return dropReasonNames[r]
	}
	return "unknown"
}
