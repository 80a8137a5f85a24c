package notifyamqp_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	json "github.com/go-json-experiment/json"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/notify/notifyamqp"
)

func validConfig() notifyamqp.Config {
	return notifyamqp.Config{
		Host:       "a1b2c3d4e5.st1.iotda-app.cn-north-4.myhuaweicloud.com",
		AccessKey:  "AK7xQ2pL",
		AccessCode: "s3cret-Access-Code",
	}
}

// TestNewConsumerRefusesBadConfig: each bad field is a *ValidationError
// naming it, whose text never shows the credential.
func TestNewConsumerRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*notifyamqp.Config)
	}{
		{"Config.Host", func(c *notifyamqp.Config) { c.Host = "" }},
		{"Config.Host", func(c *notifyamqp.Config) { c.Host = "amqp://h:5672" }},
		{"Config.Host", func(c *notifyamqp.Config) { c.Host = "amqps://u:p@h" }},
		{"Config.Host", func(c *notifyamqp.Config) { c.Host = "h:99999" }},
		{"Config.Host", func(c *notifyamqp.Config) { c.Host = "h/path" }},
		{"Config.AccessKey", func(c *notifyamqp.Config) { c.AccessKey = "" }},
		{"Config.AccessKey", func(c *notifyamqp.Config) { c.AccessKey = "AK|timestamp=1" }},
		{"Config.AccessCode", func(c *notifyamqp.Config) { c.AccessCode = "" }},
		{"Config.AccessCode", func(c *notifyamqp.Config) { c.AccessCode = strings.Repeat("x", 257) }},
		{"Config.InstanceID", func(c *notifyamqp.Config) { c.InstanceID = "a|b" }},
		{"Config.Queue", func(c *notifyamqp.Config) { c.Queue = "short" }},
		{"Config.Queue", func(c *notifyamqp.Config) { c.Queue = "/amq/queue/DefaultQueue" }},
		{"Config.Credit", func(c *notifyamqp.Config) { c.Credit = -1 }},
		{"Config.Credit", func(c *notifyamqp.Config) { c.Credit = notifyamqp.MaxCredit + 1 }},
		{"Config.IdleTimeout", func(c *notifyamqp.Config) { c.IdleTimeout = 10 }},
		{"Config.ConnectTimeout", func(c *notifyamqp.Config) { c.ConnectTimeout = -1 }},
		{"Config.ReconnectWait", func(c *notifyamqp.Config) { c.ReconnectWait, c.MaxReconnectWait = 5e9, 1e9 }},
		{"Config.TLSConfig", func(c *notifyamqp.Config) { c.TLSConfig = &tls.Config{InsecureSkipVerify: true} }},
		{"Config.TLSConfig", func(c *notifyamqp.Config) { c.TLSConfig = &tls.Config{MaxVersion: tls.VersionTLS11} }},
		{"WithRetry", nil},
	} {
		cfg := validConfig()
		var opts []iotclient.Option
		if tc.edit != nil {
			tc.edit(&cfg)
		} else {
			opts = append(opts, iotclient.WithRetry(-1))
		}
		c, err := notifyamqp.NewConsumer(cfg, opts...)
		var ve *iotclient.ValidationError
		if c != nil || !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: got %v, %v; want a *ValidationError for it", tc.field, c, err)
			continue
		}
		for _, s := range []string{"s3cret-Access-Code", "AK7xQ2pL", "AK|timestamp"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: error shows the credential: %v", tc.field, err)
			}
		}
	}
}

// TestNewConsumerAccepts the address forms and the explicit insecure switch.
func TestNewConsumerAccepts(t *testing.T) {
	for _, host := range []string{"h.example", "h.example:5671", "amqps://h.example", "amqps://h.example:5671/", "127.0.0.1:45671", "[::1]:5671"} {
		cfg := validConfig()
		cfg.Host = host
		c, err := notifyamqp.NewConsumer(cfg)
		if err != nil {
			t.Errorf("%s: %v", host, err)
			continue
		}
		if !strings.Contains(c.Address(), ":") || c.Queue() != notifyamqp.DefaultQueue {
			t.Errorf("%s: address %q, queue %q", host, c.Address(), c.Queue())
		}
	}
	cfg := validConfig()
	cfg.InsecureSkipServerVerification = true
	cfg.TLSConfig = &tls.Config{InsecureSkipVerify: true}
	if _, err := notifyamqp.NewConsumer(cfg); err != nil {
		t.Errorf("explicit insecure switch: %v", err)
	}
}

// TestNothingPrintsTheCredential: a Config and a Consumer print, log and
// marshal without the access key or code, whatever the verb.
func TestNothingPrintsTheCredential(t *testing.T) {
	cfg := validConfig()
	c, err := notifyamqp.NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, v := range []any{cfg, &cfg, c, *c, struct{ C *notifyamqp.Consumer }{c}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		b, _ := json.Marshal(v)
		out.Write(b)
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "cfg", cfg, "consumer", c)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "cfg", cfg, "consumer", c)
	for _, s := range []string{cfg.AccessKey, cfg.AccessCode} {
		if strings.Contains(out.String(), s) {
			t.Fatalf("output shows %q:\n%s", s, out.String())
		}
	}
	if !strings.Contains(out.String(), "a1b2c3d4e5.st1.iotda-app") {
		t.Fatalf("output does not describe the consumer:\n%s", out.String())
	}
	var zero notifyamqp.Consumer
	if zero.String() == "" || zero.Address() != "" {
		t.Fatal("the zero Consumer")
	}
	for _, err := range zero.Notifications(t.Context()) {
		if !errors.Is(err, notifyamqp.ErrNotBuilt) {
			t.Fatalf("zero Consumer: %v", err)
		}
	}
}
