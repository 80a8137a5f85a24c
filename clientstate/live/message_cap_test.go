package live

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readConn is a connection that reads from r (nothing else is called).
type readConn struct {
	net.Conn
	r io.Reader
}

func (c readConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// encode is the wire form of a packet paho writes.
func encode(t *testing.T, p packets.ControlPacket) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, p.Write(&b))
	return b.Bytes()
}

func publish(t *testing.T, topic string, qos byte, id uint16, payload []byte) []byte {
	p := packets.NewControlPacket(packets.Publish).(*packets.PublishPacket)
	p.TopicName, p.Qos, p.MessageID, p.Payload = topic, qos, id, payload
	return encode(t, p)
}

// xs reads as n bytes of 'x' without holding them.
type xs struct{ n int }

func (r *xs) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

// Packets within the cap pass through byte for byte, whatever their type.
func TestCapConnPassesPacketsWithinTheCap(t *testing.T) {
	var in []byte
	in = append(in, encode(t, packets.NewControlPacket(packets.Connack))...)
	in = append(in, publish(t, "iot-2/type/t/id/d/mon", 0, 0, []byte(`{"Action":"Connect"}`))...)
	in = append(in, publish(t, "iot-2/type/t/id/d/mon", 1, 7, bytes.Repeat([]byte("a"), 1024-30))...)
	in = append(in, encode(t, packets.NewControlPacket(packets.Pingresp))...)
	in = append(in, publish(t, "t", 0, 0, nil)...)
	c := newCapConn(readConn{r: iotest(bytes.NewReader(in))}, 1024)
	out, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, in, out)
}

// iotest hands out one byte a read, the hardest case for the framing.
func iotest(r io.Reader) io.Reader { return &oneByte{r} }

type oneByte struct{ r io.Reader }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

// A PUBLISH over the cap reaches paho as a small one of the same topic and
// packet ID, carrying the size and the payload's start; the 64 MiB are
// read past, never held, and the packets after it come through intact.
func TestCapConnCutsAnOversizePublish(t *testing.T) {
	const topic = "iot-2/type/t/id/d/mon"
	const size = 64 << 20
	// The packet's header and the first bytes of its payload, then the
	// payload's rest from xs, then a PINGRESP.
	head := publish(t, topic, 1, 42, []byte("{"))
	hdr := make([]byte, 1, 8)
	hdr[0] = head[0]
	rem := 2 + len(topic) + 2 + size
	for n := rem; ; {
		b := byte(n & 0x7f)
		if n >>= 7; n > 0 {
			b |= 0x80
		}
		hdr = append(hdr, b)
		if n == 0 {
			break
		}
	}
	varHeader := head[len(head)-1-2-len(topic)-2 : len(head)-1] // topic and packet ID
	ping := encode(t, packets.NewControlPacket(packets.Pingresp))
	in := io.MultiReader(bytes.NewReader(hdr), bytes.NewReader(varHeader), strings.NewReader("{"), &xs{size - 1}, bytes.NewReader(ping))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := newCapConn(readConn{r: in}, DefaultMaxMessageSize)
	p, err := packets.ReadPacket(c)
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "the message was held, not read past")

	pub, ok := p.(*packets.PublishPacket)
	require.True(t, ok, "%v", p)
	assert.Equal(t, topic, pub.TopicName)
	assert.Equal(t, uint16(42), pub.MessageID)
	assert.Equal(t, byte(1), pub.Qos)
	rest, ok := bytes.CutPrefix(pub.Payload, oversizeMark)
	require.True(t, ok)
	assert.Equal(t, uint64(size), binary.BigEndian.Uint64(rest))
	assert.Equal(t, "{"+strings.Repeat("x", MaxErrorPayload-1), string(rest[8:]))

	p, err = packets.ReadPacket(c)
	require.NoError(t, err)
	assert.IsType(t, &packets.PingrespPacket{}, p)
}

// What cannot be a status message ends the connection: another packet
// type over the cap, a remaining length over 4 bytes, a topic longer than
// its packet.
func TestCapConnRefusesWhatItCannotFrame(t *testing.T) {
	suback := packets.NewControlPacket(packets.Suback).(*packets.SubackPacket)
	suback.ReturnCodes = make([]byte, 2000)
	for name, in := range map[string][]byte{
		"suback over the cap": encode(t, suback),
		"5-byte length":       {0x30, 0xff, 0xff, 0xff, 0xff, 0x01},
		"topic past the end":  append([]byte{0x30, 0x80, 0x10, 0xff, 0xff}, make([]byte, 2048)...),
	} {
		c := newCapConn(readConn{r: bytes.NewReader(in)}, 1024)
		_, err := io.ReadAll(c)
		assert.Error(t, err, name)
	}
}

// FuzzCapConn: the framing never panics; with a cap no packet reaches it
// hands over a prefix of what the broker sent, byte for byte; with a small
// cap no payload over it goes through, only stand-ins holding at most
// MaxErrorPayload bytes of one.
func FuzzCapConn(f *testing.F) {
	f.Add([]byte{0x20, 0x02, 0x00, 0x00, 0xd0, 0x00})
	f.Add(append([]byte{0x32, 0x90, 0x08, 0x00, 0x01, 't', 0x00, 0x07}, bytes.Repeat([]byte("p"), 1100)...))
	f.Add([]byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _ := io.ReadAll(newCapConn(readConn{r: bytes.NewReader(in)}, MaxMessageSizeLimit))
		if !bytes.HasPrefix(in, out) {
			t.Fatalf("handed over %x for %x", out, in)
		}
		out, _ = io.ReadAll(newCapConn(readConn{r: bytes.NewReader(in)}, 1024))
		for r := bytes.NewReader(out); r.Len() > 0; {
			p, err := packets.ReadPacket(r)
			if err != nil {
				return // the input's last packet was cut short, or is not MQTT
			}
			pub, ok := p.(*packets.PublishPacket)
			if !ok {
				continue
			}
			if rest, cut := bytes.CutPrefix(pub.Payload, oversizeMark); cut {
				if len(rest) < 8 || len(rest)-8 > MaxErrorPayload {
					t.Fatalf("a stand-in of %d bytes", len(pub.Payload))
				}
			} else if len(pub.Payload) > 1024 {
				t.Fatalf("a payload of %d bytes went through a 1 KiB cap", len(pub.Payload))
			}
		}
	})
}
