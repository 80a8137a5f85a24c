// Package envvar names the environment variables the platform packages'
// ConfigFromEnv read, in one place, so that the packages, their tests and
// the example programs agree on one list, and reads them.
package envvar

import (
	"errors"
	"fmt"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/invalid"
)

// Huawei IoTDA (commands.ConfigFromEnv).
const (
	IoTDAEndpoint   = "IOTCLIENT_IOTDA_ENDPOINT"
	IoTDAProjectID  = "IOTCLIENT_IOTDA_PROJECT_ID"
	IoTDAInstanceID = "IOTCLIENT_IOTDA_INSTANCE_ID"
	IoTDAAK         = "IOTCLIENT_IOTDA_AK"
	IoTDASK         = "IOTCLIENT_IOTDA_SK"
	IoTDAToken      = "IOTCLIENT_IOTDA_TOKEN"
	IAMUser         = "IOTCLIENT_IOTDA_IAM_USER"
	IAMPassword     = "IOTCLIENT_IOTDA_IAM_PASSWORD"
	IAMDomain       = "IOTCLIENT_IOTDA_IAM_DOMAIN"
	IAMEndpoint     = "IOTCLIENT_IOTDA_IAM_ENDPOINT"
	IoTDARegion     = "IOTCLIENT_IOTDA_REGION"
)

// Huawei IoTDA's AMQP forwarding queue (notifyamqp.ConfigFromEnv): the
// instance's AMQPS access address, the AMQP access credential, the queue,
// and the instance the credential belongs to.
const (
	AMQPHost       = "IOTCLIENT_IOTDA_AMQP_HOST"
	AMQPAccessKey  = "IOTCLIENT_IOTDA_AMQP_ACCESS_KEY"
	AMQPAccessCode = "IOTCLIENT_IOTDA_AMQP_ACCESS_CODE"
	AMQPQueue      = "IOTCLIENT_IOTDA_AMQP_QUEUE"
	AMQPInstanceID = "IOTCLIENT_IOTDA_AMQP_INSTANCE_ID"
)

// IBM Watson IoT (clientstate.ConfigFromEnv and live.ConfigFromEnv).
const (
	IBMOrg      = "IOTCLIENT_IBM_ORG"
	IBMDomain   = "IOTCLIENT_IBM_DOMAIN"
	IBMAPIKey   = "IOTCLIENT_IBM_API_KEY"
	IBMAPIToken = "IOTCLIENT_IBM_API_TOKEN"
)

// IoTDA and IBM list each platform's variables, in the order the godoc
// shows them.
var (
	IoTDA = []string{
		IoTDAEndpoint, IoTDAProjectID, IoTDAInstanceID, IoTDAAK, IoTDASK, IoTDAToken,
		IAMUser, IAMPassword, IAMDomain, IAMEndpoint, IoTDARegion,
	}
	IBM  = []string{IBMOrg, IBMDomain, IBMAPIKey, IBMAPIToken}
	AMQP = []string{AMQPHost, AMQPAccessKey, AMQPAccessCode, AMQPQueue, AMQPInstanceID}
)

// Secrets are the variables whose values no error or printout may show.
// The access key IDs and the API key are identifiers rather than secrets,
// but they are treated as credentials all the same.
var Secrets = []string{IoTDAAK, IoTDASK, IoTDAToken, IAMPassword, IBMAPIKey, IBMAPIToken, AMQPAccessKey, AMQPAccessCode}

// Lookup is os.LookupEnv's shape, so tests can pass a map's.
type Lookup func(name string) (string, bool)

// Vars are the values of one platform's variables; an empty value counts
// as unset, as a shell's `VAR=` means.
type Vars map[string]string

// Read returns the values of names, and whether any of them is set.
func Read(lookup Lookup, names []string) (Vars, bool) {
	v := make(Vars, len(names))
	set := false
	for _, name := range names {
		if s, ok := lookup(name); ok && s != "" {
			v[name] = s
			set = true
		}
	}
	return v, set
}

// Load is Read's values, or NotSet's error when none of names is set.
func Load(lookup Lookup, names []string) (Vars, error) {
	v, set := Read(lookup, names)
	if !set {
		return nil, NotSet(names)
	}
	return v, nil
}

// Validate runs a credential's own check (auth.Validator), when it has
// one, and names in its error the variable each part came from, as Rename
// does with fields.
func Validate(cred any, fields map[string]string) error {
	if c, ok := cred.(interface{ Validate() error }); ok {
		return Rename(c.Validate(), fields)
	}
	return nil
}

// NotSet is the error of a ConfigFromEnv that found none of names set: it
// matches iotclient.ErrNoConfig and lists them.
func NotSet(names []string) error {
	return fmt.Errorf("%w: none of %s is set", iotclient.ErrNoConfig, strings.Join(names, ", "))
}

// Invalid is a *iotclient.ValidationError naming the variable name.
func Invalid(name, value, reason string) error {
	return invalid.Field(name, value, reason)
}

// Rename gives a *iotclient.ValidationError from a check written for a
// Config field or a credential (its Field a key of fields) the name of the
// variable the value came from, so the error says what to fix. The value
// is dropped when the variable is a secret. Other errors are returned as
// they are.
func Rename(err error, fields map[string]string) error {
	var ve *iotclient.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	name, ok := fields[ve.Field]
	if !ok {
		return err
	}
	value := ve.Value
	for _, s := range Secrets {
		if s == name {
			value = ""
		}
	}
	return &iotclient.ValidationError{Field: name, Value: value, Reason: ve.Reason}
}
