package notifyamqp

import (
	"sync"

	"github.com/iotclient/iotclient-go/notify"
)

// dedupSize is how many handled notifications the consumer remembers.
const dedupSize = 1 << 16

// dedup remembers the last handled notifications, to drop the exact
// duplicates a redelivery brings.
type dedup struct {
	mu   sync.Mutex
	keys map[string]struct{}
	ring []string
	next int
}

func newDedup() *dedup { return &dedup{keys: make(map[string]struct{})} }

func key(n notify.Notification) string {
	return string(n.Resource) + "\x00" + n.RequestID + "\x00" + string(n.Body)
}

func (d *dedup) seen(n notify.Notification) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.keys[key(n)]
	return ok
}

func (d *dedup) add(n notify.Notification) {
	k := key(n)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.keys[k]; ok {
		return
	}
	if len(d.ring) < dedupSize {
		d.ring = append(d.ring, k)
	} else {
		delete(d.keys, d.ring[d.next])
		d.ring[d.next] = k
		d.next = (d.next + 1) % dedupSize
	}
	d.keys[k] = struct{}{}
}
