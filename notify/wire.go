package notify

import (
	"bytes"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// wireDocument is a forwarded document as IoTDA sends it ("Data Transfer
// APIs": the envelope shared by every resource). Unknown members are
// ignored, as json's defaults do.
type wireDocument struct {
	Resource    string         `json:"resource"`
	Event       string         `json:"event"`
	EventTime   wire.PushTime  `json:"event_time"`
	EventTimeMS wire.PushTime  `json:"event_time_ms"`
	RequestID   string         `json:"request_id"`
	NotifyData  wireNotifyData `json:"notify_data"`
	// Body is where Huawei's own examples print the body, beside
	// notify_data rather than inside it: read when notify_data has none.
	Body jsontext.Value `json:"body"`

	// input is the document being decoded, in which wireBody finds the
	// bytes of the body it decoded.
	input []byte
}

// wireDocuments holds the wireDocuments of finished decodings: a push
// stream decodes one document after another, and the struct (half a
// kilobyte with its typed bodies) would otherwise be allocated, cleared and
// collected for each.
var wireDocuments = sync.Pool{New: func() any { return new(wireDocument) }}

// maxPooledTags bounds the tags whose array a pooled wireDocument keeps for
// the next decoding, so that one document with many tags does not pin them.
const maxPooledTags = 16

// getWireDocument prepares the decoding of data, in a struct release
// cleared: json merges a document into the struct it is given (it does not
// zero it first). The body keeps its link to the document.
func getWireDocument(data []byte) *wireDocument {
	w := wireDocuments.Get().(*wireDocument)
	w.input = data
	w.NotifyData.Body.doc = w
	return w
}

// release clears w, without the references to the document and to what
// the notification now holds, and returns it to the pool. The array of
// its tags stays for the next document (json clears each element it
// reuses), unless it is large.
func (w *wireDocument) release() {
	tags := w.NotifyData.Header.Tags
	*w = wireDocument{}
	if cap(tags) <= maxPooledTags {
		clear(tags[:cap(tags)])
		w.NotifyData.Header.Tags = tags[:0]
	}
	wireDocuments.Put(w)
}

type wireNotifyData struct {
	Header wireHeader `json:"header"` // all optional: a missing header is an empty one
	Body   wireBody   `json:"body"`
	// present tells a missing (or null) notify_data from an empty one.
	present bool
}

// UnmarshalJSONFrom notes that notify_data is present and decodes its
// members.
func (nd *wireNotifyData) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadValue()
		return err
	}
	nd.present = true
	type members wireNotifyData // the same fields, without this method
	return json.UnmarshalDecode(dec, (*members)(nd))
}

// wireBody is notify_data.body: kept as raw JSON, and decoded into its
// type in the same pass when the document's resource came before it (as it
// does in every example Huawei gives), so that the body is read once; else
// its type is decoded afterwards, from raw.
type wireBody struct {
	doc *wireDocument
	raw jsontext.Value
	// base is where raw starts in the input its typed body was decoded
	// from, which the spans of that body count from.
	base  int64
	typed bool // cmd or dev holds the body
	cmd   wireCommandStatus
	dev   wireDeviceStatus
}

// UnmarshalJSONFrom reads the body.
func (b *wireBody) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var dst any
	if b.doc != nil && dec.PeekKind() == '{' {
		switch Resource(b.doc.Resource) {
		case ResourceCommandStatus:
			dst = &b.cmd
		case ResourceDeviceStatus:
			dst = &b.dev
		}
	}
	if dst == nil {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		b.raw = v.Clone()
		return nil
	}
	start := dec.InputOffset()
	if err := json.UnmarshalDecode(dec, dst); err != nil {
		return err
	}
	// The offsets are the input's; before the value come the separator
	// and white space.
	end := dec.InputOffset()
	v := bytes.TrimLeft(b.doc.input[start:end], " \t\r\n:")
	b.raw, b.base, b.typed = bytes.Clone(v), end-int64(len(v)), true
	return nil
}

type wireHeader struct {
	AppID     string    `json:"app_id"`
	DeviceID  string    `json:"device_id"`
	NodeID    string    `json:"node_id"`
	ProductID string    `json:"product_id"`
	GatewayID string    `json:"gateway_id"`
	Tags      []wireTag `json:"tags"`
}

type wireTag struct {
	Key   string `json:"tag_key"`
	Value string `json:"tag_value"`
}

// wireCommandStatus is the body of device.command.status (page
// iot_06_v5_01212, DeviceCommandStatusUpdate).
type wireCommandStatus struct {
	CommandID     string          `json:"command_id"`
	Status        commands.Status `json:"status"`
	CreatedTime   wire.PushTime   `json:"created_time"`
	SentTime      wire.PushTime   `json:"sent_time"`
	DeliveredTime wire.PushTime   `json:"delivered_time"`
	ResponseTime  wire.PushTime   `json:"response_time"`
	Result        span            `json:"result"`
}

// span is where a member's value lies in the input it was decoded from, so
// that a raw member (the result) can be a slice of the body's copy rather
// than a copy of its own.
type span struct{ start, end int64 }

// UnmarshalJSONFrom notes where the value lies.
func (s *span) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	s.end = dec.InputOffset()
	s.start = s.end - int64(len(v))
	return nil
}

// in returns the spanned value of body, which starts at base in the input
// the span was read from; nil when the member was absent or null. Its
// capacity ends with it, so that appending to it cannot write over body.
func (s span) in(body []byte, base int64) []byte {
	if s.end == 0 {
		return nil
	}
	v := body[s.start-base : s.end-base : s.end-base]
	if jsontext.Value(v).Kind() == 'n' {
		return nil
	}
	return v
}

// wireDeviceStatus is the body of device.status (page iot_06_v5_01201,
// DeviceStatusUpdate).
type wireDeviceStatus struct {
	Status           DeviceState   `json:"status"`
	LastOnlineTime   wire.PushTime `json:"last_online_time"`
	StatusUpdateTime wire.PushTime `json:"status_update_time"`
}

// statusFreezed is how some pages spell DeviceFrozen.
const statusFreezed DeviceState = "FREEZED"

func (h *wireHeader) header() Header {
	out := Header{AppID: h.AppID, DeviceID: h.DeviceID, NodeID: h.NodeID, ProductID: h.ProductID, GatewayID: h.GatewayID}
	if len(h.Tags) > 0 {
		out.Tags = make([]Tag, len(h.Tags))
		for i, t := range h.Tags {
			out.Tags[i] = Tag(t)
		}
	}
	return out
}
