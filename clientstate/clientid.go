package clientstate

import (
	"strconv"
	"strings"

	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Kind is the kind of MQTT client a client ID names: its first part.
type Kind byte

// The kinds of client the platform knows.
const (
	KindDevice      Kind = 'd' // d:{org}:{typeId}:{deviceId}
	KindGateway     Kind = 'g' // g:{org}:{typeId}:{deviceId}
	KindApp         Kind = 'a' // a:{org}:{appId}
	KindScalableApp Kind = 'A' // A:{org}:{appId} or A:{org}:{appId}:{instanceId}
)

// kinds holds, per kind, its name and the forms its ID may take.
var kinds = map[Kind]struct {
	name, form string
	parts      []string // the parts after the org; the last is optional when opt
	opt        bool
}{
	KindDevice:      {"device", "d:{org}:{typeId}:{deviceId}", []string{"typeId", "deviceId"}, false},
	KindGateway:     {"gateway", "g:{org}:{typeId}:{deviceId}", []string{"typeId", "deviceId"}, false},
	KindApp:         {"application", "a:{org}:{appId}", []string{"appId"}, false},
	KindScalableApp: {"scalable application", "A:{org}:{appId}[:{instanceId}]", []string{"appId", "instanceId"}, true},
}

// String names the kind in words, such as "scalable application", or
// "Kind('x')" for an unknown kind.
func (k Kind) String() string {
	if d, ok := kinds[k]; ok {
		return d.name
	}
	return "Kind(" + strconv.QuoteRune(rune(k)) + ")"
}

// ClientID is a parsed MQTT client ID of the Watson IoT Platform; which
// fields are set depends on Kind.
type ClientID struct {
	Kind       Kind
	Org        string // the organization ID, such as "ab12cd"
	TypeID     string // device type (devices and gateways)
	DeviceID   string // device ID (devices and gateways)
	AppID      string // application ID (applications)
	InstanceID string // instance of a scalable application; may be empty
}

// validIDPart reports whether s is 1 to 36 letters, digits or characters
// of extra. It runs for every status message a tracker ingests, where a
// regular expression cost a tenth of the message. The org takes no extra
// characters and is lenient in length: real ones have six.
func validIDPart(s, extra string) bool {
	return len(s) >= 1 && len(s) <= 36 && strings.IndexFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(extra, r))
	}) < 0
}

// ParseClientID parses a client ID of one of the forms
//
//	d:{org}:{typeId}:{deviceId}     a device
//	g:{org}:{typeId}:{deviceId}     a gateway
//	a:{org}:{appId}                 an application
//	A:{org}:{appId}                 a scalable application
//	A:{org}:{appId}:{instanceId}    one instance of a scalable application
//
// The org is 1 to 36 letters and digits, every later part 1 to 36 of
// [A-Za-z0-9-_.]; anything else is a *iotclient.ValidationError for the
// field "clientID".
func ParseClientID(s string) (ClientID, error) {
	bad := func(reason string) (ClientID, error) {
		return ClientID{}, invalid.Field("clientID", s, reason)
	}
	if s == "" {
		return bad("is required")
	}
	parts := strings.Split(s, ":")
	k, ok := kinds[Kind(s[0])]
	if len(parts[0]) != 1 || !ok {
		return bad("must start with d:, g:, a: or A:")
	}
	if n := len(parts) - 2; n != len(k.parts) && !(k.opt && n == len(k.parts)-1) {
		return bad("a " + k.name + " ID has the form " + k.form)
	}
	if !validIDPart(parts[1], "") {
		return bad("the org must be 1 to 36 letters and digits")
	}
	for i, p := range parts[2:] {
		if !validIDPart(p, "._-") {
			return bad("the " + k.parts[i] + " " + partRule)
		}
	}
	id := ClientID{Kind: Kind(s[0]), Org: parts[1]}
	rest := append(parts[2:], "")
	if id.Kind == KindDevice || id.Kind == KindGateway {
		id.TypeID, id.DeviceID = rest[0], rest[1]
	} else {
		id.AppID, id.InstanceID = rest[0], rest[1]
	}
	return id, nil
}

// String renders the client ID in its wire form, such as
// "d:ab12cd:sensor:s-1": for a parsed ID, the string parsed.
func (id ClientID) String() string {
	s := string(rune(id.Kind)) + ":" + id.Org + ":"
	if id.Kind == KindDevice || id.Kind == KindGateway {
		return s + id.TypeID + ":" + id.DeviceID
	}
	if id.InstanceID != "" {
		return s + id.AppID + ":" + id.InstanceID
	}
	return s + id.AppID
}

const partRule = "must be 1 to 36 letters, digits, '-', '_' or '.'"

// checkPart validates an ID argument such as typeID or deviceID.
func checkPart(field, p string) error {
	if p == "" {
		return invalid.Field(field, "", "is required")
	}
	if !validIDPart(p, "._-") {
		return invalid.Field(field, p, partRule)
	}
	return nil
}
