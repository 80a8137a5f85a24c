package notifyamqp

// window decides when the consumer grants the broker credit, and how much.
//
// RabbitMQ 3.10 (the tests' broker) miscounts credit granted while
// deliveries of an earlier grant are still on the way: it sends more than
// allowed, which wraps go-amqp's credit counter and can stall the link for
// good. The window therefore grants only when every message of the last
// grant has arrived. To keep the link busy all the same, it grants the next
// batch as soon as that is so and at most half the window still waits to be
// handled: the broker sends the next messages while the consumer handles
// those. A consumer that is faster than the broker never waits a whole
// round trip, as it did when each batch was granted only after the last
// one was settled.
//
// At any time the arrived messages not handled yet and those granted and
// not arrived add up to at most size (Config.Credit).
type window struct {
	size     int // Config.Credit
	inFlight int // granted and not arrived yet
}

// grant returns how much credit to grant now that waiting arrived messages
// are not handled yet, and counts it as on the way; 0 means none yet.
func (w *window) grant(waiting int) int {
	if w.inFlight > 0 || waiting > w.size/2 {
		return 0
	}
	w.inFlight = w.size - waiting
	return w.inFlight
}

// arrived counts a message as arrived. One the broker sent beyond its
// credit is not counted below zero.
func (w *window) arrived() {
	if w.inFlight > 0 {
		w.inFlight--
	}
}
