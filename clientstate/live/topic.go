package live

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iotclient/iotclient-go/clientstate"
)

// Monitor topic layout.
const (
	topicRoot      = "iot-2"
	topicMonSuffix = "mon"
	topicWildcard  = "+"
)

// statusTopic is a parsed monitor topic.
type statusTopic struct {
	app              bool
	typeID, deviceID string // device topics
	appID            string // application topics
}

// parseStatusTopic parses iot-2/type/{typeId}/id/{deviceId}/mon and
// iot-2/app/{appId}/mon. Every ID part must be 1 to 36 of
// [A-Za-z0-9-_.]; anything else (extra or missing levels, empty levels,
// wildcards) is an error.
func parseStatusTopic(topic string) (statusTopic, error) {
	parts := strings.Split(topic, "/")
	switch {
	case len(parts) == 6 && parts[0] == topicRoot && parts[1] == "type" && parts[3] == "id" && parts[5] == topicMonSuffix:
		if r := partReason(parts[2]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's typeId %q %s", parts[2], r)
		}
		if r := partReason(parts[4]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's deviceId %q %s", parts[4], r)
		}
		return statusTopic{typeID: parts[2], deviceID: parts[4]}, nil
	case len(parts) == 4 && parts[0] == topicRoot && parts[1] == "app" && parts[3] == topicMonSuffix:
		if r := partReason(parts[2]); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's appId %q %s", parts[2], r)
		}
		return statusTopic{app: true, appID: parts[2]}, nil
	}
	return statusTopic{}, errors.New("not a monitor topic (iot-2/type/{typeId}/id/{deviceId}/mon or iot-2/app/{appId}/mon)")
}

// matches reports whether a client ID can be the subject of a message on
// the topic: a device or gateway with the topic's type and ID on a device
// topic, an application with the topic's app ID on an application topic.
func (t statusTopic) matches(id clientstate.ClientID) bool {
	switch id.Kind {
	case clientstate.KindDevice, clientstate.KindGateway:
		return !t.app && id.TypeID == t.typeID && id.DeviceID == t.deviceID
	case clientstate.KindApp, clientstate.KindScalableApp:
		return t.app && id.AppID == t.appID
	}
	return false
}
