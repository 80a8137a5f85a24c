package notifyamqp

import (
	"net"
	"sync"
	"time"
)

// batchConn gathers the frames go-amqp writes into as few TLS records and
// system calls as it can. go-amqp writes each frame on its own (an accept
// is a disposition frame of a few dozen bytes), so at thousands of messages
// a second the consumer would spend more on one write per accept than on
// the accept. Write copies the frame and returns at once; a goroutine of its
// own writes whatever has gathered, so frames written while it is busy go
// out together in its next write, and a lone frame goes out at once.
//
// An accept that returned may thus not be on the wire yet. That costs
// nothing at-least-once does not already allow: if the connection fails
// before it is written, the broker delivers the message again and the
// consumer drops it as a duplicate (within a stream). A write error stays:
// every later Write returns it, and go-amqp ends the connection.
type batchConn struct {
	net.Conn // TLS; reads, deadlines and addresses go to it directly

	mu      sync.Mutex
	space   *sync.Cond // signalled when the flusher has taken the buffer
	buf     []byte     // written, not yet taken by the flusher
	err     error      // the flusher's write error, or net.ErrClosed
	closing bool
	wake    chan struct{} // capacity 1: the flusher has something to do
	done    chan struct{} // closed when the flusher has returned
}

// maxBatch bounds what Write gathers before it waits for the flusher: a
// broker that stops reading then holds up go-amqp's writer as it would
// without batchConn.
const maxBatch = 256 << 10

func newBatchConn(c net.Conn) *batchConn {
	b := &batchConn{Conn: c, wake: make(chan struct{}, 1), done: make(chan struct{})}
	b.space = sync.NewCond(&b.mu)
	go b.flush()
	return b
}

// Write gathers p for the flusher.
func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	for len(b.buf) >= maxBatch && b.err == nil && !b.closing {
		b.space.Wait()
	}
	if b.err == nil && b.closing {
		b.err = net.ErrClosed
	}
	if b.err != nil {
		err := b.err
		b.mu.Unlock()
		return 0, err
	}
	b.buf = append(b.buf, p...)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default: // the flusher is awake already
	}
	return len(p), nil
}

// flush writes what Write gathered until Close, then what is left.
func (b *batchConn) flush() {
	defer close(b.done)
	var out []byte
	for {
		<-b.wake
		b.mu.Lock()
		out, b.buf = b.buf, out[:0]
		closing := b.closing
		b.space.Broadcast()
		b.mu.Unlock()
		if len(out) > 0 {
			if _, err := b.Conn.Write(out); err != nil {
				b.mu.Lock()
				b.err = err
				b.space.Broadcast()
				b.mu.Unlock()
				return
			}
		}
		if closing {
			return
		}
	}
}

// Close writes what was gathered (for at most closeTimeout: go-amqp's last
// frames, such as the session's end, are among it), then closes the
// connection.
func (b *batchConn) Close() error {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return b.Conn.Close()
	}
	b.closing = true
	b.space.Broadcast()
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
	_ = b.Conn.SetWriteDeadline(time.Now().Add(closeTimeout))
	<-b.done
	return b.Conn.Close()
}
