// Package recent holds Map, a map that remembers only its most recent
// entries: the bounded memory of the consumers of notification streams
// (duplicate keys, a command's latest status, final outcomes waited for).
package recent

import "time"

// Map keeps at most a capacity of entries, forgetting the oldest inserted
// first, and, when maxAge is positive, forgets an entry maxAge after it was
// inserted (by time.Now, so tests run it in fake time). Updating an entry
// keeps its place and age. Not safe for concurrent use.
type Map[K comparable, V any] struct {
	m      map[K]V
	ring   []slot[K] // insertion order, oldest at head
	head   int
	n      int
	maxAge time.Duration
}

type slot[K comparable] struct {
	key K
	at  time.Time
}

// New returns an empty Map of the given capacity (at least 1).
func New[K comparable, V any](capacity int, maxAge time.Duration) *Map[K, V] {
	capacity = max(capacity, 1)
	return &Map[K, V]{m: make(map[K]V), ring: make([]slot[K], capacity), maxAge: maxAge}
}

// Get returns the value of k, if remembered.
func (m *Map[K, V]) Get(k K) (V, bool) {
	m.expire()
	v, ok := m.m[k]
	return v, ok
}

// Put sets the value of k. A new key that finds the map full makes it
// forget its oldest entry.
func (m *Map[K, V]) Put(k K, v V) {
	m.expire()
	if _, ok := m.m[k]; ok {
		m.m[k] = v
		return
	}
	if m.n == len(m.ring) {
		m.evictHead()
	}
	// The clock is read only when entries age: the consumers without a
	// maximum age put an entry for every document.
	var at time.Time
	if m.maxAge > 0 {
		at = time.Now()
	}
	m.ring[(m.head+m.n)%len(m.ring)] = slot[K]{key: k, at: at}
	m.n++
	m.m[k] = v
}

// Len is how many entries are remembered.
func (m *Map[K, V]) Len() int {
	m.expire()
	return m.n
}

func (m *Map[K, V]) evictHead() {
	var zero slot[K]
	delete(m.m, m.ring[m.head].key)
	m.ring[m.head] = zero
	m.head = (m.head + 1) % len(m.ring)
	m.n--
}

// expire forgets the entries older than maxAge, oldest first.
func (m *Map[K, V]) expire() {
	if m.maxAge <= 0 || m.n == 0 {
		return
	}
	now := time.Now()
	for m.n > 0 && now.Sub(m.ring[m.head].at) > m.maxAge {
		m.evictHead()
	}
}
