package notify

import (
	"crypto/sha256"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/recent"
)

// DefaultDedupMemory is how many documents, commands and devices a
// Deduplicator remembers by default.
const DefaultDedupMemory = 65_536

// DedupOptions tunes a Deduplicator. The zero value takes the default.
type DedupOptions struct {
	// Memory is how many documents a Deduplicator remembers to drop their
	// duplicates, and how many commands and devices to order their
	// changes, the oldest forgotten first; 0 means DefaultDedupMemory.
	// A duplicate that comes after its original was forgotten is kept.
	Memory int
}

// Deduplicator drops the duplicates and the stale changes an
// at-least-once channel brings (HTTP push after an outage, AMQP
// redelivery), with bounded memory. It is safe for concurrent use, so the
// streams of several channels may share one.
//
// A command's changes are ordered by the command's own times, a final
// status winning, never by arrival (see commands.Command.Supersedes): a
// change that is not newer than the one kept last for its command is
// dropped, which drops its duplicates, the changes that arrive late, and
// everything after the final status. A device's status changes are ordered
// the same way by their status_update_time (else the event's time). A
// document of any other resource is an exact duplicate when its resource,
// event, request ID, time, device and body (byte for byte) are those of
// one already kept.
type Deduplicator struct {
	mu       sync.Mutex
	seen     *recent.Map[string, struct{}]
	commands *recent.Map[string, commandMark]
	devices  *recent.Map[string, deviceMark]
}

// commandMark is what Supersedes reads of the state kept last for a
// command: its status and the latest of its times. It is small enough for
// the map to hold it inline, where a whole commands.Command would cost an
// allocation per change.
type commandMark struct {
	status commands.Status
	at     time.Time
}

// markOf returns the mark of a command's change.
func markOf(c *CommandStatus) commandMark {
	m := commandMark{status: c.Status, at: c.CreatedAt}
	for _, t := range [...]time.Time{c.SentAt, c.DeliveredAt, c.RespondedAt} {
		if t.After(m.at) {
			m.at = t
		}
	}
	return m
}

// command returns a state Supersedes judges as it would the change m was
// made from: Supersedes reads only the status and the latest of the times.
func (m commandMark) command() commands.Command {
	return commands.Command{Status: m.status, CreatedAt: m.at}
}

// deviceMark is the device status last kept for a device.
type deviceMark struct {
	at     time.Time
	status DeviceState
}

// NewDeduplicator returns a Deduplicator; a bad option is an
// *iotclient.ValidationError naming the field.
func NewDeduplicator(opts DedupOptions) (*Deduplicator, error) {
	if opts.Memory < 0 {
		return nil, invalid.Field("DedupOptions.Memory", strconv.Itoa(opts.Memory), "must not be negative")
	}
	n := opts.Memory
	if n == 0 {
		n = DefaultDedupMemory
	}
	d := &Deduplicator{}
	d.init(n)
	return d, nil
}

// init sizes the memory; a zero Deduplicator takes the default. d.mu is
// held, or d not shared yet.
func (d *Deduplicator) init(n int) {
	if d.seen == nil {
		d.seen = recent.New[string, struct{}](n, 0)
		d.commands = recent.New[string, commandMark](n, 0)
		d.devices = recent.New[string, deviceMark](n, 0)
	}
}

// Keep reports whether n is new: false for a duplicate or a stale change
// (see Deduplicator), which the caller should drop.
func (d *Deduplicator) Keep(n *Notification) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init(DefaultDedupMemory)
	// A duplicate of a typed change is no newer than the change itself,
	// so the order of its command or device drops it too.
	switch {
	case n.Command != nil:
		m := markOf(n.Command)
		if last, ok := d.commands.Get(n.Command.CommandID); ok && !m.command().Supersedes(last.command()) {
			return false
		}
		d.commands.Put(n.Command.CommandID, m)
		return true
	case n.Device != nil && n.Header.DeviceID != "":
		m := deviceMark{at: n.Device.StatusUpdatedAt, status: n.Device.Status}
		if m.at.IsZero() {
			m.at = n.Time
		}
		if last, ok := d.devices.Get(n.Header.DeviceID); ok && (m.at.Before(last.at) || m == last) {
			return false
		}
		d.devices.Put(n.Header.DeviceID, m)
		return true
	}
	key := dedupKey(n)
	if _, dup := d.seen.Get(key); dup {
		return false
	}
	d.seen.Put(key, struct{}{})
	return true
}

// Filter returns the stream without the notifications Keep drops; errors
// pass. Breaking the loop breaks the stream's.
func (d *Deduplicator) Filter(stream iter.Seq2[Notification, error]) iter.Seq2[Notification, error] {
	return func(yield func(Notification, error) bool) {
		for n, err := range stream {
			if err == nil && !d.Keep(&n) {
				continue
			}
			if !yield(n, err) {
				return
			}
		}
	}
}

// Deduplicate returns the stream without its duplicates and stale changes,
// remembering DefaultDedupMemory of each (see Deduplicator); each range
// starts with an empty memory.
func Deduplicate(stream iter.Seq2[Notification, error]) iter.Seq2[Notification, error] {
	return func(yield func(Notification, error) bool) {
		d, _ := NewDeduplicator(DedupOptions{})
		d.Filter(stream)(yield)
	}
}

// dedupKey is what makes a document the same as another.
func dedupKey(n *Notification) string {
	var b strings.Builder
	b.Grow(192)
	for _, s := range [...]string{string(n.Resource), string(n.Event), n.RequestID, n.Header.DeviceID} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	writeTime(&b, n.Time)
	if n.Device != nil { // a device status without a device ID
		b.WriteString(string(n.Device.Status))
		b.WriteByte(0)
		writeTime(&b, n.Device.LastOnlineAt)
		writeTime(&b, n.Device.StatusUpdatedAt)
		return b.String()
	}
	// The body may be a megabyte: its digest stands for it.
	sum := sha256.Sum256(n.Body)
	b.Write(sum[:])
	return b.String()
}

func writeTime(b *strings.Builder, t time.Time) {
	var buf [32]byte
	if !t.IsZero() {
		// Seconds and nanoseconds apart: UnixNano overflows past 2262.
		out := strconv.AppendInt(buf[:0], t.Unix(), 36)
		out = append(out, '.')
		b.Write(strconv.AppendInt(out, int64(t.Nanosecond()), 36))
	}
	b.WriteByte(0)
}
