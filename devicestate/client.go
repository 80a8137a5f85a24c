package devicestate

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/commands"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/iotda"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// DefaultSearchInterval is the least time between two searches of a
// Client unless Config.SearchInterval says otherwise: IoTDA answers one
// device search a second per account.
const DefaultSearchInterval = time.Second

// Config says where and as whom the client talks to IoTDA. Its first four
// fields are commands.Config's, with the same meaning and checks;
// ConfigFromEnv reads them from the same environment variables.
type Config struct {
	// Endpoint is the IoTDA endpoint, such as
	// "https://iotda.cn-north-4.myhuaweicloud.com" or an instance's.
	Endpoint   string
	ProjectID  string          // the region's IAM project ID
	InstanceID string          // the Instance-Id header: mandatory on enterprise editions
	Auth       auth.Credential // auth.AKSK, auth.IAMPassword or auth.Token
	// SearchInterval is the least time between two requests of Search,
	// SearchPage and SearchCount of this client, which wait for their turn:
	// zero means DefaultSearchInterval (the platform's limit of 1 request a
	// second per account), a negative value no pacing (against a fake, or
	// with a raised quota). The pacing is the client's: share one client
	// per account. iotclient.WithRateLimit paces every request besides.
	SearchInterval time.Duration
}

// ConfigFromEnv returns the Config the environment describes: the
// variables of commands.ConfigFromEnv (IOTCLIENT_IOTDA_ENDPOINT,
// IOTCLIENT_IOTDA_PROJECT_ID, IOTCLIENT_IOTDA_INSTANCE_ID and one
// credential), read by it, with its errors: one matching
// iotclient.ErrNoConfig when none is set, else a *iotclient.ValidationError
// naming the variable. SearchInterval is left zero (the default pacing).
func ConfigFromEnv() (Config, error) {
	c, err := commands.ConfigFromEnv()
	return Config{Endpoint: c.Endpoint, ProjectID: c.ProjectID, InstanceID: c.InstanceID, Auth: c.Auth}, err
}

// String describes the configuration without secrets.
func (c Config) String() string {
	return fmt.Sprintf("devicestate.Config{Endpoint: %q, ProjectID: %q, InstanceID: %q, Auth: %s, SearchInterval: %s}",
		redact.URL(c.Endpoint), c.ProjectID, c.InstanceID, redact.Credential(c.Auth), c.SearchInterval)
}

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

// Client reads the connection state of IoTDA devices. It is safe for
// concurrent use.
type Client struct {
	iotda  *iotda.Client
	search *rate.Limiter // nil: searches are not paced
}

// NewClient validates cfg and the options and builds a client without
// sending any request.
func NewClient(cfg Config, opts ...iotclient.Option) (*Client, error) {
	c, err := iotda.New(cfg.Endpoint, cfg.ProjectID, cfg.InstanceID, cfg.Auth, core.Settings(opts))
	if err != nil {
		return nil, err
	}
	client := &Client{iotda: c}
	if cfg.SearchInterval >= 0 {
		client.search = rate.NewLimiter(rate.Every(cmp.Or(cfg.SearchInterval, DefaultSearchInterval)), 1)
	}
	return client, nil
}

// scrub takes the credential's secrets out of an error built from what the
// server sent (a request ID, a marker, a status), as the core does for its
// own errors.
func (c *Client) scrub(err error) error { return c.iotda.Core().Scrub(err) }

// do sends one request to path (after /v5/iot/{project_id}): params, when
// not nil, is encoded as the query string and body as JSON. Every call of
// this package is a read, so every one may be retried. It returns the
// request ID.
func (c *Client) do(ctx context.Context, method, path string, params, body, out any) (string, error) {
	return c.iotda.Do(ctx, method, path, params, body, out, true)
}
