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
	if p, ok := splitStatusTopic(topic); ok && !p.app {
		if r := partReason(p.typeID); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's typeId %q %s", p.typeID, r)
		}
		if r := partReason(p.deviceID); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's deviceId %q %s", p.deviceID, r)
		}
		return p, nil
	} else if ok {
		if r := partReason(p.appID); r != "" {
			return statusTopic{}, fmt.Errorf("the topic's appId %q %s", p.appID, r)
		}
		return p, nil
	}
	return statusTopic{}, errors.New("not a monitor topic (iot-2/type/{typeId}/id/{deviceId}/mon or iot-2/app/{appId}/mon)")
}

// splitStatusTopic splits a topic of one of the two layouts into its
// levels, without allocating: every message's topic goes through it.
func splitStatusTopic(topic string) (statusTopic, bool) {
	rest, ok := strings.CutPrefix(topic, topicRoot+"/")
	if !ok {
		return statusTopic{}, false
	}
	if rest, ok := strings.CutPrefix(rest, "type/"); ok {
		typeID, rest, ok1 := strings.Cut(rest, "/")
		rest, ok2 := strings.CutPrefix(rest, "id/")
		deviceID, rest, ok3 := strings.Cut(rest, "/")
		if ok1 && ok2 && ok3 && rest == topicMonSuffix {
			return statusTopic{typeID: typeID, deviceID: deviceID}, true
		}
		return statusTopic{}, false
	}
	if rest, ok := strings.CutPrefix(rest, "app/"); ok {
		appID, rest, ok := strings.Cut(rest, "/")
		if ok && rest == topicMonSuffix {
			return statusTopic{app: true, appID: appID}, true
		}
	}
	return statusTopic{}, false
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
