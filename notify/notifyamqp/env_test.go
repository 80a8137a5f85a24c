package notifyamqp_test

import (
	"errors"
	"strings"
	"testing"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/internal/envvar"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

// setAMQPEnv clears every AMQP variable, then sets vars.
func setAMQPEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, name := range envvar.AMQP {
		t.Setenv(name, "")
	}
	for name, v := range vars {
		t.Setenv(name, v)
	}
}

func TestConfigFromEnvWithNoVariableIsErrNoConfig(t *testing.T) {
	setAMQPEnv(t, nil)
	cfg, err := notifyamqp.ConfigFromEnv()
	if !errors.Is(err, iotclient.ErrNoConfig) || errors.Is(err, iotclient.ErrInvalidArgument) {
		t.Fatalf("ConfigFromEnv = %v, want ErrNoConfig", err)
	}
	if cfg.Host != "" || cfg.AccessKey != "" || cfg.AccessCode != "" {
		t.Errorf("cfg = %v, want zero", cfg)
	}
	for _, name := range envvar.AMQP {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not list %s: %v", name, err)
		}
	}
}

// Every variable lands in its field.
func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	setAMQPEnv(t, map[string]string{
		envvar.AMQPHost:       "amqps://a1b2c3d4e5.st1.iotda-app.cn-north-4.myhuaweicloud.com",
		envvar.AMQPAccessKey:  "AK7xQ2pL",
		envvar.AMQPAccessCode: "s3cret-Access-Code",
		envvar.AMQPQueue:      "OutcomesQueue",
		envvar.AMQPInstanceID: "inst-0001",
	})
	cfg, err := notifyamqp.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := notifyamqp.Config{
		Host: "amqps://a1b2c3d4e5.st1.iotda-app.cn-north-4.myhuaweicloud.com", AccessKey: "AK7xQ2pL",
		AccessCode: "s3cret-Access-Code", Queue: "OutcomesQueue", InstanceID: "inst-0001",
	}
	if cfg.Host != want.Host || cfg.AccessKey != want.AccessKey || cfg.AccessCode != want.AccessCode ||
		cfg.Queue != want.Queue || cfg.InstanceID != want.InstanceID {
		t.Errorf("cfg = %+v, want %+v", cfg, want) // Config's Format hides the credential: compare fields
	}
	if _, err := notifyamqp.NewConsumer(cfg); err != nil {
		t.Errorf("NewConsumer refuses what ConfigFromEnv read: %v", err)
	}
}

// A missing or bad value is a *ValidationError naming the variable, and
// the access key and code are never shown.
func TestConfigFromEnvNamesTheVariable(t *testing.T) {
	good := map[string]string{
		envvar.AMQPHost: "h.example", envvar.AMQPAccessKey: "AK7xQ2pL", envvar.AMQPAccessCode: "s3cret-Access-Code",
	}
	for _, tc := range []struct {
		name, value, want string
	}{
		{envvar.AMQPHost, "", envvar.AMQPHost},
		{envvar.AMQPHost, "amqp://h.example:5672", envvar.AMQPHost},
		{envvar.AMQPAccessKey, "", envvar.AMQPAccessKey},
		{envvar.AMQPAccessKey, "AK|timestamp=1", envvar.AMQPAccessKey},
		{envvar.AMQPAccessCode, "", envvar.AMQPAccessCode},
		{envvar.AMQPQueue, "short", envvar.AMQPQueue},
		{envvar.AMQPInstanceID, "a|b", envvar.AMQPInstanceID},
	} {
		vars := map[string]string{}
		for k, v := range good {
			vars[k] = v
		}
		vars[tc.name] = tc.value
		setAMQPEnv(t, vars)
		_, err := notifyamqp.ConfigFromEnv()
		var ve *iotclient.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.want {
			t.Errorf("%s=%q: got %v, want a *ValidationError naming %s", tc.name, tc.value, err, tc.want)
			continue
		}
		for _, secret := range []string{"s3cret-Access-Code", "AK7xQ2pL", "AK|timestamp"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s=%q: the error shows a credential: %v", tc.name, tc.value, err)
			}
		}
	}
}
