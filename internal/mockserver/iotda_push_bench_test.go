package mockserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPush measures documents made and delivered to a loopback
// receiver that answers 200 at once, with the default four workers.
func BenchmarkPush(b *testing.B) {
	rcv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer rcv.Close()
	s := New(WithPush(Push{URL: rcv.URL}))
	defer s.Close()
	s.AddDevice(testDevice)
	id := addSent(s, 1)[0]
	statuses := [2]string{StatusDelivered, StatusSent}
	b.ResetTimer()
	for i := range b.N {
		if err := s.SetCommandStatus(testDevice, id, statuses[i%2], nil); err != nil {
			b.Fatal(err)
		}
	}
	// The time counts until the last document is answered.
	if err := s.WaitPushes(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := s.PushStats(); st.Sent != b.N {
		b.Fatalf("sent %d of %d", st.Sent, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pushes/s")
}
