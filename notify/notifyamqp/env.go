package notifyamqp

import (
	"os"

	"github.com/iotclient/iotclient-go/internal/envvar"
)

// ConfigFromEnv returns the Config the environment describes, as
// commands.ConfigFromEnv does for IoTDA's REST API, so every program takes
// its queue from the same variables (an empty one counts as unset):
//
//	IOTCLIENT_IOTDA_AMQP_HOST         Host (required): the instance's AMQPS access address
//	IOTCLIENT_IOTDA_AMQP_ACCESS_KEY   AccessKey (required): the AMQP access credential's key,
//	IOTCLIENT_IOTDA_AMQP_ACCESS_CODE  AccessCode (required): and its code
//	IOTCLIENT_IOTDA_AMQP_QUEUE        Queue (optional; default DefaultQueue)
//	IOTCLIENT_IOTDA_AMQP_INSTANCE_ID  InstanceID (optional)
//
// The other fields (TLS, credit, timeouts, OnConnect) are the program's to
// set on the result.
//
// When none of these variables is set, the error matches
// iotclient.ErrNoConfig. Any other problem, a required variable missing or
// a value NewConsumer would refuse, is a *iotclient.ValidationError whose
// Field is the variable's name; its Value is empty for the access key and
// code, which no error shows. ConfigFromEnv connects to nothing: a wrong
// access code shows on the first connection.
func ConfigFromEnv() (Config, error) { return configFromEnv(os.LookupEnv) }

// envFields name the variable behind each field NewConsumer checks.
var envFields = map[string]string{
	"Config.Host":       envvar.AMQPHost,
	"Config.AccessKey":  envvar.AMQPAccessKey,
	"Config.AccessCode": envvar.AMQPAccessCode,
	"Config.Queue":      envvar.AMQPQueue,
	"Config.InstanceID": envvar.AMQPInstanceID,
}

func configFromEnv(lookup envvar.Lookup) (Config, error) {
	v, set := envvar.Read(lookup, envvar.AMQP)
	if !set {
		return Config{}, envvar.NotSet(envvar.AMQP)
	}
	cfg := Config{
		Host:       v[envvar.AMQPHost],
		AccessKey:  v[envvar.AMQPAccessKey],
		AccessCode: v[envvar.AMQPAccessCode],
		Queue:      v[envvar.AMQPQueue],
		InstanceID: v[envvar.AMQPInstanceID],
	}
	if cfg.Host == "" {
		return Config{}, envvar.Invalid(envvar.AMQPHost, "", "is required: the instance's AMQPS access address (console: instance Overview > Access Details)")
	}
	// NewConsumer checks every field and connects to nothing.
	if _, err := NewConsumer(cfg); err != nil {
		return Config{}, envvar.Rename(err, envFields)
	}
	return cfg, nil
}
