package live

import (
	"cmp"
	"errors"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
)

// Subscription is one monitor topic filter: DeviceStatus or AppStatus.
type Subscription struct {
	topic string
	err   string // why the filter is invalid, or ""
}

// DeviceStatus subscribes to the status of the devices (and gateways) of
// type typeID with ID deviceID: iot-2/type/{typeID}/id/{deviceID}/mon.
// Either may be "+" or "" for any.
func DeviceStatus(typeID, deviceID string) Subscription {
	typeID, deviceID = cmp.Or(typeID, "+"), cmp.Or(deviceID, "+")
	return Subscription{topic: "iot-2/type/" + typeID + "/id/" + deviceID + "/mon", err: idReason("d:o", typeID, deviceID)}
}

// AppStatus subscribes to the status of the application appID ("+" or ""
// for every one): iot-2/app/{appID}/mon. Application Disconnects are not
// retained: a new subscriber learns only which applications are connected.
func AppStatus(appID string) Subscription {
	appID = cmp.Or(appID, "+")
	return Subscription{topic: "iot-2/app/" + appID + "/mon", err: idReason("a:o", appID)}
}

// Topic is the MQTT topic filter, such as "iot-2/type/+/id/+/mon".
func (s Subscription) Topic() string { return s.topic }

// String is Topic.
func (s Subscription) String() string { return s.topic }

// idReason returns why clientstate.ParseClientID refuses the client ID
// prefix:part:part…, a "+" part standing for any valid one, or "".
func idReason(prefix string, parts ...string) string {
	id := prefix
	for _, p := range parts {
		if p == "+" {
			p = "x"
		}
		id += ":" + p
	}
	var ve *iotclient.ValidationError
	if _, err := clientstate.ParseClientID(id); errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}
