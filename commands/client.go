package commands

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/google/go-querystring/query"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/invalid"
	"github.com/iotclient/iotclient-go/internal/redact"
)

// Config says where and as whom the client talks to IoTDA.
type Config struct {
	// Endpoint is the IoTDA endpoint, such as
	// "https://iotda.cn-north-4.myhuaweicloud.com" or an instance's.
	Endpoint   string
	ProjectID  string          // the region's IAM project ID
	InstanceID string          // the Instance-Id header: mandatory on enterprise editions
	Auth       auth.Credential // auth.AKSK, auth.IAMPassword or auth.Token
}

// String describes the configuration without secrets.
func (c Config) String() string {
	return fmt.Sprintf("commands.Config{Endpoint: %q, ProjectID: %q, InstanceID: %q, Auth: %s}",
		redact.URL(c.Endpoint), c.ProjectID, c.InstanceID, redact.Credential(c.Auth))
}

// GoString is String, so %#v cannot reveal more than %v.
func (c Config) GoString() string { return c.String() }

// Client calls the IoTDA command APIs. It is safe for concurrent use.
type Client struct {
	core      *core.Client
	projectID string
}

var (
	projectIDPattern  = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	instanceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// NewClient validates cfg and the options and builds a client without
// sending any request.
func NewClient(cfg Config, opts ...iotclient.Option) (*Client, error) {
	if err := cfg.checkIDs(); err != nil {
		return nil, err
	}
	s := core.Settings(opts)
	static := http.Header{}
	// The official SDK sends X-Project-Id too; it is signed like any header.
	static.Set("X-Project-Id", cfg.ProjectID)
	if cfg.InstanceID != "" {
		static.Set("Instance-Id", cfg.InstanceID)
	}
	c, err := core.New(cfg.Endpoint, cfg.Auth, s, static)
	if err != nil {
		return nil, err
	}
	return &Client{core: c, projectID: cfg.ProjectID}, nil
}

// checkIDs validates the project and instance IDs (core.New checks the
// endpoint and the credential).
func (c Config) checkIDs() error {
	switch {
	case c.ProjectID == "":
		return invalid.Field("Config.ProjectID", "", "is required (the region's IAM project ID)")
	case !projectIDPattern.MatchString(c.ProjectID):
		return invalid.Field("Config.ProjectID", c.ProjectID, "must be letters and digits only")
	case c.InstanceID != "" && !instanceIDPattern.MatchString(c.InstanceID):
		return invalid.Field("Config.InstanceID", c.InstanceID, "must be 1-64 letters, digits, '_' or '-'")
	}
	return nil
}

// do sends one request about deviceID: params, when not nil, is encoded as
// the query string and body as JSON. Every call but Create (the only one
// with a body) is a read, so only Create is not retried once sent. It
// returns the request ID.
func (c *Client) do(ctx context.Context, method, deviceID, path string, params, body, out any) (string, error) {
	q, err := query.Values(params)
	if err != nil {
		return "", err
	}
	info, err := c.core.Do(ctx, core.Request{
		Method:     method,
		Path:       "/v5/iot/" + c.projectID + "/devices/" + deviceID + path,
		Query:      q,
		Body:       body,
		Idempotent: body == nil,
	}, out)
	return info.RequestID, err
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkID applies IoTDA's rule for device and command IDs: 1 to max
// characters of letters, digits, '_' and '-'.
func checkID(field, v string, max int) error {
	switch {
	case v == "":
		return invalid.Field(field, "", "is required")
	case len(v) > max:
		return invalid.Field(field, v, "is "+strconv.Itoa(len(v))+" characters long; at most "+strconv.Itoa(max)+" are allowed")
	case !idPattern.MatchString(v):
		return invalid.Field(field, v, "may contain only letters, digits, '_' and '-'")
	}
	return nil
}
