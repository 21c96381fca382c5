package http3_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
)

// FuzzRequestStream feeds arbitrary bytes to a Server as a request stream:
// no panic, and the stream always ends (response, reset or connection
// close). The dynamic table is off so no section can block forever.
func FuzzRequestStream(f *testing.F) {
	post := []string{":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/"}
	f.Add(headersFrame(getFields...))
	f.Add(append(headersFrame(append(post, "content-length", "3")...), frame(nil, 0x00, []byte("abc"))...))
	f.Add(append(append(headersFrame(post...), frame(nil, 0x00, []byte("abc"))...), headersFrame("x-trailer", "v")...))
	f.Add(append(frame(nil, 0x21, []byte("grease")), headersFrame(getFields...)...))
	f.Add(frame(nil, 0x00, []byte("data first")))
	f.Add(headersFrame(append(getFields, "X-Upper", "1")...))
	f.Add([]byte{0x01, 0x40})
	srv := &http3.Server{
		QPACKMaxTableCapacity: -1,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, r.Body)
			w.Header().Set(http.TrailerPrefix+"X-Seen", r.Trailer.Get("X-Trailer"))
		}),
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, s := fakequic.NewPair(fakequic.Config{})
		done := make(chan struct{})
		go func() {
			srv.ServeConn(s)
			close(done)
		}()
		str, err := c.OpenStream()
		if err != nil {
			t.Fatal(err)
		}
		// Write while reading: the handler echoes, so a large body would
		// otherwise fill both directions.
		go func() {
			str.Write(in)
			str.Close()
		}()
		io.Copy(io.Discard, str)
		c.CloseWithError(0, "")
		<-done
	})
}
