package notifyamqp

import (
	"errors"
	"net"
	"testing"
	"time"
)

// heldConn is the connection under a batchConn: each Write reports what it
// got on wrote and returns only when the test sends its result on release.
type heldConn struct {
	net.Conn // not used: only Write, Close and SetWriteDeadline are called
	wrote    chan string
	release  chan error
	closed   chan struct{}
}

func newHeldConn() *heldConn {
	return &heldConn{wrote: make(chan string), release: make(chan error), closed: make(chan struct{})}
}

func (h *heldConn) Write(p []byte) (int, error) {
	h.wrote <- string(p)
	if err := <-h.release; err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *heldConn) Close() error                     { close(h.closed); return nil }
func (h *heldConn) SetWriteDeadline(time.Time) error { return nil }

func mustWrite(t *testing.T, b *batchConn, s string) {
	t.Helper()
	if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
		t.Fatalf("Write(%q) = %d, %v", s, n, err)
	}
}

// TestBatchConnGathersFramesWrittenWhileBusy: Write returns at once; what
// is written while the connection is busy goes out in one write after.
func TestBatchConnGathersFramesWrittenWhileBusy(t *testing.T) {
	h := newHeldConn()
	b := newBatchConn(h)
	mustWrite(t, b, "A")
	if got := <-h.wrote; got != "A" {
		t.Fatalf("first write %q", got)
	}
	mustWrite(t, b, "B") // the connection is still busy with A
	mustWrite(t, b, "C")
	h.release <- nil
	if got := <-h.wrote; got != "BC" {
		t.Fatalf("second write %q, want BC in one", got)
	}
	h.release <- nil
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	<-h.closed
}

// TestBatchConnCloseWritesWhatWasGathered: Close writes what is waiting
// (go-amqp's last frames) before it closes the connection; a Write after
// Close fails.
func TestBatchConnCloseWritesWhatWasGathered(t *testing.T) {
	h := newHeldConn()
	b := newBatchConn(h)
	mustWrite(t, b, "A")
	<-h.wrote
	mustWrite(t, b, "end")
	closed := make(chan error)
	go func() { closed <- b.Close() }()
	h.release <- nil
	if got := <-h.wrote; got != "end" {
		t.Fatalf("write after A: %q", got)
	}
	select {
	case <-h.closed:
		t.Fatal("closed before the gathered frames were written")
	default:
	}
	h.release <- nil
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	<-h.closed
	if _, err := b.Write([]byte("late")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
}

// TestBatchConnWriteErrorStays: once a write failed, every Write returns
// that error, so go-amqp ends the connection.
func TestBatchConnWriteErrorStays(t *testing.T) {
	h := newHeldConn()
	b := newBatchConn(h)
	mustWrite(t, b, "A")
	<-h.wrote
	boom := errors.New("connection reset")
	h.release <- boom
	<-b.done // the writer gave up
	for range 2 {
		if _, err := b.Write([]byte("B")); !errors.Is(err, boom) {
			t.Fatalf("Write after a failed write: %v", err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	<-h.closed
}
