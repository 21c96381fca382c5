// Package qpack implements QPACK field compression for HTTP/3 (RFC 9204).
//
// The package is sans-IO: an Encoder turns header lists into encoded field
// sections plus encoder-stream bytes, and consumes the peer's decoder-stream
// bytes; a Decoder does the reverse. The HTTP/3 layer moves the bytes
// between streams and decides when to retry a blocked field section.
//
// Sending side:
//
//	enc := qpack.NewEncoder(qpack.EncoderConfig{MaxTableCapacity: 4096})
//	enc.SetPeerSettings(peerMaxTableCapacity, peerBlockedStreams)
//	section := enc.EncodeFieldSection(nil, streamID, fields) // HEADERS payload
//	encoderStream.Write(enc.AppendEncoderStream(nil))       // first
//	err := enc.HandleDecoderStream(bytesFromPeerDecoderStream)
//
// Receiving side:
//
//	dec := qpack.NewDecoder(qpack.DecoderConfig{MaxTableCapacity: 4096, MaxBlockedStreams: 16})
//	fields, blocked, err := dec.DecodeFieldSection(streamID, section, nil)
//	// blocked: keep section; after dec.HandleEncoderStream(b), retry each
//	// stream in dec.AppendUnblocked(nil).
//	decoderStream.Write(dec.AppendDecoderStream(nil))
//	dec.CancelStream(streamID) // on reset or abandoned reading
package qpack
