package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/commands"
)

// Environment variables naming the real platforms. Secrets (the SK, the
// tokens) are read from the environment only, never from flags, so they do
// not show in the process list or the shell history.
const (
	envIoTDAEndpoint = "IOTCLIENT_IOTDA_ENDPOINT"
	envIoTDAProject  = "IOTCLIENT_IOTDA_PROJECT_ID"
	envIoTDAInstance = "IOTCLIENT_IOTDA_INSTANCE_ID"
	envIoTDAAK       = "IOTCLIENT_IOTDA_AK"
	envIoTDASK       = "IOTCLIENT_IOTDA_SK"
	envIoTDAToken    = "IOTCLIENT_IOTDA_TOKEN"
	// An IAM password login, the third way to IoTDA: the user, the
	// password and the account (domain), optionally the IAM endpoint
	// (default https://iam.{region}.myhuaweicloud.com) and the region the
	// token is scoped to (default: read from an endpoint such as
	// https://iotda.cn-north-4.myhuaweicloud.com).
	envIAMUser     = "IOTCLIENT_IOTDA_IAM_USER"
	envIAMPassword = "IOTCLIENT_IOTDA_IAM_PASSWORD"
	envIAMDomain   = "IOTCLIENT_IOTDA_IAM_DOMAIN"
	envIAMEndpoint = "IOTCLIENT_IOTDA_IAM_ENDPOINT"
	envIAMRegion   = "IOTCLIENT_IOTDA_REGION"

	envIBMOrg      = "IOTCLIENT_IBM_ORG"
	envIBMAPIKey   = "IOTCLIENT_IBM_API_KEY"
	envIBMAPIToken = "IOTCLIENT_IBM_API_TOKEN"
)

// userAgent goes in front of the SDK's own User-Agent.
const userAgent = "iotctl/" + iotclient.Version

// iotdaFlags select a Huawei IoTDA project.
type iotdaFlags struct {
	endpoint, project, instance, ak string
}

func (f *iotdaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.endpoint, "endpoint", "", "IoTDA `URL` (else $"+envIoTDAEndpoint+"; neither: the embedded mock)")
	fs.StringVar(&f.project, "project", "", "IoTDA project `ID` (else $"+envIoTDAProject+")")
	fs.StringVar(&f.instance, "instance", "", "IoTDA instance `ID`, sent as Instance-Id (else $"+envIoTDAInstance+")")
	fs.StringVar(&f.ak, "ak", "", "access key `ID` for AK/SK signing (else $"+envIoTDAAK+"; the SK only from $"+envIoTDASK+")")
}

// ibmFlags select an IBM Watson IoT organization.
type ibmFlags struct {
	org, apiKey, domain, baseURL string
}

// register adds the flags; rest adds --ibm-url, the REST API's base URL.
func (f *ibmFlags) register(fs *flag.FlagSet, rest bool) {
	fs.StringVar(&f.org, "org", "", "IBM organization `ID` (else $"+envIBMOrg+", else the one in the API key)")
	fs.StringVar(&f.apiKey, "api-key", "", "IBM API `key` (else $"+envIBMAPIKey+"; the token only from $"+envIBMAPIToken+"; neither: the embedded mock)")
	fs.StringVar(&f.domain, "domain", "", "IBM platform `domain` (default "+clientstate.DefaultDomain+")")
	if !rest {
		return
	}
	fs.StringVar(&f.baseURL, "ibm-url", "", "IBM API base `URL`, overriding --org and --domain (a proxy, or a standalone mock server)")
}

// sdkOptions are the options of every client iotctl builds.
func (a *app) sdkOptions(c *common) []iotclient.Option {
	opts := []iotclient.Option{iotclient.WithUserAgent(userAgent)}
	if c.verbose {
		h := slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, iotclient.WithLogger(slog.New(h)))
	}
	return opts
}

// commandsClient builds the IoTDA client from the flags and the
// environment, or against the embedded mock when no endpoint is set (or
// with --mock).
func (a *app) commandsClient(c *common, f *iotdaFlags) (*commands.Client, error) {
	cfg, err := a.iotdaConfig(c, f)
	switch {
	case err != nil:
		return nil, err
	case cfg == nil:
		m := a.startMock(c.mock, "--endpoint or $"+envIoTDAEndpoint).commandsFake()
		return m.NewClient(a.sdkOptions(c)...)
	}
	return commands.NewClient(*cfg, a.sdkOptions(c)...)
}

// iotdaConfig reads the IoTDA configuration from the flags and the
// environment; nil when the embedded mock serves (no endpoint, or --mock).
func (a *app) iotdaConfig(c *common, f *iotdaFlags) (*commands.Config, error) {
	cfg := commands.Config{
		Endpoint:   or(f.endpoint, a.getenv(envIoTDAEndpoint)),
		ProjectID:  or(f.project, a.getenv(envIoTDAProject)),
		InstanceID: or(f.instance, a.getenv(envIoTDAInstance)),
	}
	if c.mock || cfg.Endpoint == "" {
		return nil, nil
	}
	if cfg.ProjectID == "" {
		return nil, usagef("IoTDA endpoint %s: set the project with --project or $%s", shownURL(cfg.Endpoint), envIoTDAProject)
	}
	ak, sk, token := or(f.ak, a.getenv(envIoTDAAK)), a.getenv(envIoTDASK), a.getenv(envIoTDAToken)
	a.secrets = append(a.secrets, ak, sk, token)
	user, password := a.getenv(envIAMUser), a.getenv(envIAMPassword)
	switch {
	case ak != "" && sk != "":
		cfg.Auth = auth.AKSK(ak, sk)
	case token != "":
		cfg.Auth = auth.Token(token)
	case ak != "":
		return nil, usagef("IoTDA: an access key without its secret: set $%s", envIoTDASK)
	case user != "" || password != "":
		iam, err := a.iamConfig(cfg.Endpoint, user, password)
		if err != nil {
			return nil, err
		}
		cfg.Auth = auth.IAMPassword(iam, password)
	default:
		return nil, usagef("IoTDA: no credentials: set $%s and $%s (or --ak and $%s), or $%s, or $%s and $%s (an IAM login)",
			envIoTDAAK, envIoTDASK, envIoTDASK, envIoTDAToken, envIAMUser, envIAMPassword)
	}
	return &cfg, nil
}

// iamConfig is the IAM password login the environment describes; the
// region comes from $IOTCLIENT_IOTDA_REGION or the IoTDA endpoint's host.
func (a *app) iamConfig(endpoint, user, password string) (auth.IAMConfig, error) {
	c := auth.IAMConfig{
		Endpoint: a.getenv(envIAMEndpoint), Domain: a.getenv(envIAMDomain),
		User: user, Project: or(a.getenv(envIAMRegion), regionOf(endpoint)),
	}
	switch {
	case user == "":
		return c, usagef("IoTDA IAM login: set the user name in $%s", envIAMUser)
	case password == "":
		return c, usagef("IoTDA IAM login: set the password in $%s", envIAMPassword)
	case c.Domain == "":
		return c, usagef("IoTDA IAM login: set the account (domain) name in $%s", envIAMDomain)
	case c.Project == "":
		return c, usagef("IoTDA IAM login: set the region (such as cn-north-4) in $%s", envIAMRegion)
	}
	if c.Endpoint == "" {
		c.Endpoint = "https://iam." + c.Project + ".myhuaweicloud.com"
	}
	return c, nil
}

// regionOf reads the region from an IoTDA endpoint such as
// https://iotda.cn-north-4.myhuaweicloud.com or
// https://abc123.st1.iotda-app.cn-north-4.myhuaweicloud.com; "" when it
// names none.
func regionOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	labels := strings.Split(u.Hostname(), ".")
	for i := 0; i+2 < len(labels); i++ {
		if strings.HasPrefix(labels[i], "iotda") && labels[i+2] == "myhuaweicloud" {
			return labels[i+1]
		}
	}
	return ""
}

// ibmConfig works out the IBM organization and credential from the flags
// and the environment; mock reports that neither names an organization or
// an API key (or --mock was given), so the embedded mock serves.
func (a *app) ibmConfig(c *common, f *ibmFlags) (cfg clientstate.Config, key, token string, mock bool, err error) {
	org := or(f.org, a.getenv(envIBMOrg))
	key, token = or(f.apiKey, a.getenv(envIBMAPIKey)), a.getenv(envIBMAPIToken)
	a.secrets = append(a.secrets, key, token)
	if c.mock || (org == "" && key == "" && f.baseURL == "") {
		return clientstate.Config{}, mockAPIKey, mockAPIToken, true, nil
	}
	switch {
	case key == "":
		return cfg, "", "", false, usagef("IBM: no API key: set --api-key or $%s (and $%s)", envIBMAPIKey, envIBMAPIToken)
	case token == "":
		return cfg, "", "", false, usagef("IBM: an API key without its auth token: set $%s", envIBMAPIToken)
	}
	if org == "" {
		var ok bool
		if org, ok = auth.OrgFromAPIKey(key); !ok && f.baseURL == "" {
			return cfg, "", "", false, usagef("IBM: set --org or $%s: the API key does not name the organization (a-ORG-...)", envIBMOrg)
		}
	}
	cfg = clientstate.Config{OrgID: org, Domain: f.domain, BaseURL: f.baseURL, Auth: auth.APIKey(key, token)}
	return cfg, key, token, false, nil
}

// stateClient builds the IBM client-state client, or one against the
// embedded mock.
func (a *app) stateClient(c *common, f *ibmFlags) (*clientstate.Client, error) {
	cfg, _, _, mock, err := a.ibmConfig(c, f)
	if err != nil {
		return nil, err
	}
	if mock {
		m, err := a.startMock(c.mock, "--org, --api-key or $"+envIBMAPIKey).statesFake()
		if err != nil {
			return nil, err
		}
		cfg = m.Config()
	}
	// IBM allows an organization 10 calls a second.
	opts := append(a.sdkOptions(c), iotclient.WithRateLimit(10, 10))
	return clientstate.NewClient(cfg, opts...)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// mockNote is the one line on stderr saying the embedded mock serves.
func mockNote(forced bool, unset string) string {
	if forced {
		return "iotctl: --mock: using the embedded mock server with demo data (see 'iotctl help')"
	}
	return fmt.Sprintf("iotctl: no %s set: using the embedded mock server with demo data (see 'iotctl help')", unset)
}
