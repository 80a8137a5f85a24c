package notify

import (
	"bytes"

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

// newWireDocument prepares the decoding of data. json merges a document
// into the struct it is given (it does not zero it first), so the body
// keeps its link to the document.
func newWireDocument(data []byte) *wireDocument {
	w := &wireDocument{input: data}
	w.NotifyData.Body.doc = w
	return w
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
	doc   *wireDocument
	raw   jsontext.Value
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
	v := bytes.TrimLeft(b.doc.input[start:dec.InputOffset()], " \t\r\n:")
	b.raw, b.typed = bytes.Clone(v), true
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
	Result        jsontext.Value  `json:"result"`
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
