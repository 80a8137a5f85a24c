package live

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// oversizeMark begins the payload capConn hands paho in place of a message
// over the cap, followed by the real payload's length (8 bytes, big
// endian) and its first MaxErrorPayload bytes. A payload that begins with
// a NUL byte is not JSON, so no status message is taken for one; a broker
// that sends one anyway only mislabels a message that is malformed already.
var oversizeMark = []byte("\x00iotclient-go: message over Config.MaxMessageSize\x00")

// capConn is the broker connection as paho reads it, with every PUBLISH
// over max bytes (topic and payload) read only in part: paho gets in its
// place a PUBLISH of the same topic and packet ID (so a QoS 1 or 2 delivery
// is still acknowledged) whose payload is oversizeMark, the size and the
// payload's start; the rest is dropped as it is read, never held. Messages
// keep their order. A packet of another type over max ends the connection:
// a broker sends none so large.
type capConn struct {
	net.Conn
	r    *bufio.Reader
	max  int
	buf  []byte // holds out
	out  []byte // what is left to hand over of a packet's fixed header, or of a rewritten packet
	left int    // bytes of the current packet still to pass through from r
}

func newCapConn(c net.Conn, max int) *capConn {
	return &capConn{Conn: c, r: bufio.NewReader(c), max: max}
}

// Read hands paho the broker's packets, the oversize ones rewritten.
func (c *capConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 && c.left == 0 {
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	if len(c.out) > 0 {
		n := copy(p, c.out)
		c.out = c.out[n:]
		return n, nil
	}
	n, err := c.r.Read(p[:min(len(p), c.left)])
	c.left -= n
	return n, err
}

// next reads the next packet's fixed header and passes the packet through,
// or rewrites it if it is over the cap.
func (c *capConn) next() error {
	first, err := c.r.ReadByte()
	if err != nil {
		return err
	}
	c.buf = append(c.buf[:0], first)
	// The remaining length: 7 bits a byte, low first, at most 4 bytes.
	size := 0
	for i := 0; ; i++ {
		if i == 4 {
			return errors.New("malformed MQTT packet from the broker: remaining length over 4 bytes")
		}
		b, err := c.r.ReadByte()
		if err != nil {
			return err
		}
		c.buf = append(c.buf, b)
		size |= int(b&0x7f) << (7 * i)
		if b&0x80 == 0 {
			break
		}
	}
	switch {
	case size <= c.max:
		c.out, c.left = c.buf, size
		return nil
	case first>>4 != packets.Publish:
		return fmt.Errorf("a packet of %d bytes from the broker, over Config.MaxMessageSize (%d)", size, c.max)
	}
	return c.cut(first, size)
}

// cut reads an oversize PUBLISH of size bytes after its fixed header and
// puts its replacement in out.
func (c *capConn) cut(first byte, size int) error {
	var tl [2]byte
	if _, err := io.ReadFull(c.r, tl[:]); err != nil {
		return err
	}
	head := 2 + int(binary.BigEndian.Uint16(tl[:])) // the topic
	if first&0x06 != 0 {
		head += 2 // the packet ID of QoS 1 and 2
	}
	payload := size - head
	if payload < 0 {
		return errors.New("malformed PUBLISH from the broker: the topic is longer than the packet")
	}
	keep := min(payload, MaxErrorPayload)
	body := make([]byte, head, head+len(oversizeMark)+8+keep)
	copy(body, tl[:])
	if _, err := io.ReadFull(c.r, body[2:]); err != nil {
		return err
	}
	body = append(body, oversizeMark...)
	body = binary.BigEndian.AppendUint64(body, uint64(payload))
	n := len(body)
	body = body[:n+keep]
	if _, err := io.ReadFull(c.r, body[n:]); err != nil {
		return err
	}
	if _, err := c.r.Discard(payload - keep); err != nil {
		return err
	}
	c.buf = c.buf[:1]
	for n := len(body); ; {
		b := byte(n & 0x7f)
		if n >>= 7; n > 0 {
			b |= 0x80
		}
		c.buf = append(c.buf, b)
		if n == 0 {
			break
		}
	}
	c.out = append(c.buf, body...)
	return nil
}

// parseMessage decodes a message paho delivers: a status message, or the
// stand-in capConn made for one over the cap.
func (m *monitor) parseMessage(msg mqtt.Message) (Event, error) {
	p := msg.Payload()
	if rest, ok := bytes.CutPrefix(p, oversizeMark); ok && len(rest) >= 8 {
		size := min(binary.BigEndian.Uint64(rest), MaxMessageSizeLimit) // no MQTT payload is larger
		return Event{}, &MessageError{Topic: msg.Topic(), Payload: bytes.Clone(rest[8:]), Size: int(size),
			Err: fmt.Errorf("%w: its payload is %d bytes, and the limit is %d bytes with the topic", ErrMessageTooLarge, size, m.cfg.MaxMessageSize)}
	}
	ev, err := ParseStatusMessage(msg.Topic(), p)
	if err == nil {
		ev.Retained = msg.Retained()
	}
	return ev, err
}
