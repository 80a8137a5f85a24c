package clientstate

import (
	"strconv"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
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

const (
	maxPartLen        = 36 // type, device, application and instance IDs
	maxOrgLen         = 36 // lenient: real organization IDs have 6 characters
	clientIDFieldName = "clientID"
)

// String names the kind in words: "device", "gateway", "application",
// "scalable application", or "Kind('x')" for anything else.
func (k Kind) String() string {
	switch k {
	case KindDevice:
		return "device"
	case KindGateway:
		return "gateway"
	case KindApp:
		return "application"
	case KindScalableApp:
		return "scalable application"
	}
	return "Kind(" + strconv.QuoteRune(rune(k)) + ")"
}

// ClientID is a parsed MQTT client ID of the Watson IoT Platform. Which
// fields are set depends on Kind: devices and gateways have TypeID and
// DeviceID; applications have AppID; scalable applications have AppID and,
// optionally, InstanceID.
type ClientID struct {
	Kind       Kind
	Org        string // the organization ID, such as "ab12cd"
	TypeID     string // device type (devices and gateways)
	DeviceID   string // device ID (devices and gateways)
	AppID      string // application ID (applications)
	InstanceID string // instance of a scalable application; may be empty
}

// ParseClientID parses a client ID of one of the forms
//
//	d:{org}:{typeId}:{deviceId}     a device
//	g:{org}:{typeId}:{deviceId}     a gateway
//	a:{org}:{appId}                 an application
//	A:{org}:{appId}                 a scalable application
//	A:{org}:{appId}:{instanceId}    one instance of a scalable application
//
// The org is 1 to 36 letters and digits (real organizations have six
// lowercase ones); every later part is 1 to 36 characters of letters, digits,
// '-', '_' and '.'. Anything else is a *iotclient.ValidationError for the
// field "clientID". String returns the input unchanged for every ID this
// accepts.
func ParseClientID(s string) (ClientID, error) {
	if s == "" {
		return ClientID{}, iotclient.NewValidationError(clientIDFieldName, "", "is required")
	}
	parts := strings.Split(s, ":")
	if len(parts[0]) != 1 {
		return ClientID{}, clientIDError(s, "must start with d:, g:, a: or A:")
	}
	id := ClientID{Kind: Kind(parts[0][0])}
	var names []string
	switch id.Kind {
	case KindDevice, KindGateway:
		names = []string{"typeId", "deviceId"}
	case KindApp:
		names = []string{"appId"}
	case KindScalableApp:
		names = []string{"appId", "instanceId"}
		if len(parts) == 3 {
			names = names[:1]
		}
	default:
		return ClientID{}, clientIDError(s, "must start with d:, g:, a: or A:")
	}
	if want := 2 + len(names); len(parts) != want {
		return ClientID{}, clientIDError(s, "a "+id.Kind.String()+" ID has the form "+form(id.Kind))
	}
	id.Org = parts[1]
	if err := checkOrg(id.Org); err != "" {
		return ClientID{}, clientIDError(s, "the org "+err)
	}
	for i, name := range names {
		if err := checkPartReason(parts[2+i]); err != "" {
			return ClientID{}, clientIDError(s, "the "+name+" "+err)
		}
	}
	switch id.Kind {
	case KindDevice, KindGateway:
		id.TypeID, id.DeviceID = parts[2], parts[3]
	default:
		id.AppID = parts[2]
		if len(parts) == 4 {
			id.InstanceID = parts[3]
		}
	}
	return id, nil
}

func form(k Kind) string {
	switch k {
	case KindDevice:
		return "d:{org}:{typeId}:{deviceId}"
	case KindGateway:
		return "g:{org}:{typeId}:{deviceId}"
	case KindApp:
		return "a:{org}:{appId}"
	}
	return "A:{org}:{appId}[:{instanceId}]"
}

func clientIDError(s, reason string) error {
	return iotclient.NewValidationError(clientIDFieldName, s, reason)
}

// String renders the client ID in its wire form, such as
// "d:ab12cd:sensor:s-1". For an ID returned by ParseClientID it is exactly
// the string parsed.
func (id ClientID) String() string {
	var b strings.Builder
	b.Grow(3 + len(id.Org) + len(id.TypeID) + len(id.DeviceID) + len(id.AppID) + len(id.InstanceID) + 1)
	b.WriteByte(byte(id.Kind))
	b.WriteByte(':')
	b.WriteString(id.Org)
	b.WriteByte(':')
	switch id.Kind {
	case KindDevice, KindGateway:
		b.WriteString(id.TypeID)
		b.WriteByte(':')
		b.WriteString(id.DeviceID)
	default:
		b.WriteString(id.AppID)
		if id.InstanceID != "" {
			b.WriteByte(':')
			b.WriteString(id.InstanceID)
		}
	}
	return b.String()
}

// checkOrg returns why org is not a valid organization ID, or "".
func checkOrg(org string) string {
	switch {
	case org == "":
		return "is empty"
	case len(org) > maxOrgLen:
		return "is " + strconv.Itoa(len(org)) + " characters long; at most 36 are allowed"
	}
	for i := 0; i < len(org); i++ {
		if !isAlnum(org[i]) {
			return "may contain only letters and digits"
		}
	}
	return ""
}

// checkPartReason returns why p is not a valid type, device, application
// or instance ID (1 to 36 of [A-Za-z0-9-_.]), or "".
func checkPartReason(p string) string {
	switch {
	case p == "":
		return "is empty"
	case len(p) > maxPartLen:
		return "is " + strconv.Itoa(len(p)) + " characters long; at most 36 are allowed"
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return "may contain only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

// checkPart validates an ID argument such as typeID or deviceID.
func checkPart(field, p string) error {
	if r := checkPartReason(p); r != "" {
		if p == "" {
			return iotclient.NewValidationError(field, "", "is required")
		}
		return iotclient.NewValidationError(field, p, r)
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
