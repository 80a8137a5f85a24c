package notify

import (
	"github.com/go-json-experiment/json/jsontext"

	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/wire"
)

// wireDocument is a forwarded document as IoTDA sends it ("Data Transfer
// APIs": the envelope shared by every resource). Unknown members are
// ignored, as json's defaults do.
type wireDocument struct {
	Resource    string          `json:"resource"`
	Event       string          `json:"event"`
	EventTime   wire.PushTime   `json:"event_time"`
	EventTimeMS wire.PushTime   `json:"event_time_ms"`
	RequestID   string          `json:"request_id"`
	NotifyData  *wireNotifyData `json:"notify_data"`
	// Body is where Huawei's own examples print the body, beside
	// notify_data rather than inside it: read when notify_data has none.
	Body jsontext.Value `json:"body"`
}

type wireNotifyData struct {
	Header wireHeader     `json:"header"` // all optional: a missing header is an empty one
	Body   jsontext.Value `json:"body"`
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
