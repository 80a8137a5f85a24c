package notifyamqp

import (
	"context"
	"sync"
	"time"

	"github.com/Azure/go-amqp"
)

// acceptor accepts handled messages on a goroutine of its own, in the order
// they were handled. go-amqp's AcceptMessage returns only once the
// disposition has gone through its link, session and connection goroutines
// and been written to the socket; done inline it would hold up the next
// message each time. A message reaches the acceptor only after it was
// handled, so at-least-once holds: one that was not handled is never
// accepted.
type acceptor struct {
	rcv    *amqp.Receiver
	queue  chan *amqp.Message
	done   chan struct{}
	ctx    context.Context // ended when stop has waited closeTimeout
	cancel context.CancelFunc

	mu  sync.Mutex
	err error // the first accept that failed
}

// startAcceptor starts accepting for rcv; up to depth handled messages
// wait for their accept before push blocks.
func startAcceptor(rcv *amqp.Receiver, depth int) *acceptor {
	a := &acceptor{rcv: rcv, queue: make(chan *amqp.Message, depth), done: make(chan struct{})}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	go a.run()
	return a
}

func (a *acceptor) run() {
	defer close(a.done)
	for msg := range a.queue {
		if a.failed() != nil {
			continue // the link is gone: the broker delivers the rest again
		}
		if err := a.rcv.AcceptMessage(a.ctx, msg); err != nil {
			a.mu.Lock()
			a.err = err
			a.mu.Unlock()
		}
	}
}

func (a *acceptor) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// push queues a handled message for its accept, or returns the error an
// earlier accept failed with (the link is lost).
func (a *acceptor) push(msg *amqp.Message) error {
	if err := a.failed(); err != nil {
		return err
	}
	a.queue <- msg
	return nil
}

// stop accepts the messages still queued, waiting for them at most
// closeTimeout, and returns once the acceptor's goroutine has ended.
func (a *acceptor) stop() {
	close(a.queue)
	t := time.AfterFunc(closeTimeout, a.cancel)
	<-a.done
	t.Stop()
	a.cancel()
}
