package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/clientstate"
	"github.com/iotclient/iotclient-go/clientstate/live"
	"github.com/iotclient/iotclient-go/commands"
)

// Environment variables naming the real platforms, read by the SDK's
// ConfigFromEnv (commands, clientstate, live). Secrets (the SK, the
// tokens, the password) are read from the environment only, never from
// flags, so they do not show in the process list or the shell history.
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
	envIBMDomain   = "IOTCLIENT_IBM_DOMAIN"
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
	fs.StringVar(&f.endpoint, "endpoint", "", "IoTDA `URL` (sets $"+envIoTDAEndpoint+"; no IoTDA variable: the embedded mock)")
	fs.StringVar(&f.project, "project", "", "IoTDA project `ID` (sets $"+envIoTDAProject+")")
	fs.StringVar(&f.instance, "instance", "", "IoTDA instance `ID`, sent as Instance-Id (sets $"+envIoTDAInstance+")")
	fs.StringVar(&f.ak, "ak", "", "access key `ID` for AK/SK signing (sets $"+envIoTDAAK+"; the SK only from $"+envIoTDASK+")")
}

// env is what the flags say about the environment's variables.
func (f *iotdaFlags) env() map[string]string {
	return map[string]string{envIoTDAEndpoint: f.endpoint, envIoTDAProject: f.project, envIoTDAInstance: f.instance, envIoTDAAK: f.ak}
}

// ibmFlags select an IBM Watson IoT organization.
type ibmFlags struct {
	org, apiKey, domain, baseURL string
}

// register adds the flags; rest adds --ibm-url, the REST API's base URL.
func (f *ibmFlags) register(fs *flag.FlagSet, rest bool) {
	fs.StringVar(&f.org, "org", "", "IBM organization `ID` (sets $"+envIBMOrg+"; default: the one in the API key)")
	fs.StringVar(&f.apiKey, "api-key", "", "IBM API `key` (sets $"+envIBMAPIKey+"; the token only from $"+envIBMAPIToken+"; no IBM variable: the embedded mock)")
	fs.StringVar(&f.domain, "domain", "", "IBM platform `domain` (sets $"+envIBMDomain+"; default "+clientstate.DefaultDomain+")")
	if !rest {
		return
	}
	fs.StringVar(&f.baseURL, "ibm-url", "", "IBM API base `URL`, overriding --org and --domain (a proxy, or a standalone mock server)")
}

func (f *ibmFlags) env() map[string]string {
	return map[string]string{envIBMOrg: f.org, envIBMAPIKey: f.apiKey, envIBMDomain: f.domain}
}

// sdkOptions are the options of every REST client iotctl builds.
func (a *app) sdkOptions(c *common) []iotclient.Option {
	return append([]iotclient.Option{iotclient.WithUserAgent(userAgent)}, a.logOptions(c)...)
}

// logOptions is --verbose's logger: the one option of sdkOptions the
// monitor takes too (it refuses those about HTTP requests).
func (a *app) logOptions(c *common) []iotclient.Option {
	if !c.verbose {
		return nil
	}
	h := slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: a.scrubAttr})
	return []iotclient.Option{iotclient.WithLogger(slog.New(h))}
}

// scrubAttr takes the credentials out of a --verbose log record's values,
// its message included: the SDK scrubs its own credential's secrets, and
// this catches what iotctl knows besides (every credential in the
// environment).
func (a *app) scrubAttr(_ []string, attr slog.Attr) slog.Attr {
	switch attr.Value.Kind() {
	case slog.KindString, slog.KindAny:
		attr.Value = slog.StringValue(scrub(attr.Value.String(), a.credentials()))
	}
	return attr
}

// fromEnv runs load, a ConfigFromEnv of the SDK, with each flag given on
// the command line standing in for its environment variable (the flag
// wins), so that one reader of the environment applies one rule to both:
// nothing set means the embedded mock. The environment is restored after.
func fromEnv(flags map[string]string, load func() error) error {
	for name, v := range flags {
		if v == "" {
			continue
		}
		if old, ok := os.LookupEnv(name); ok {
			defer os.Setenv(name, old)
		} else {
			defer os.Unsetenv(name)
		}
		if err := os.Setenv(name, v); err != nil {
			return err
		}
	}
	return load()
}

// commandsClient builds the IoTDA client from the flags and the
// environment (commands.ConfigFromEnv), or against the embedded mock when
// neither names the platform (or with --mock), with the options extra on
// top of sdkOptions.
func (a *app) commandsClient(c *common, f *iotdaFlags, extra ...iotclient.Option) (*commands.Client, error) {
	cfg, mock, err := a.iotdaConfig(c, f)
	opts := append(a.sdkOptions(c), extra...)
	switch {
	case err != nil:
		return nil, err
	case mock:
		// Over the fake's loopback address, so that an option's own HTTP
		// client (send --wait-push counts reads through one) reaches it.
		m := a.startMock(c.mock, "--endpoint or $"+envIoTDAEndpoint).commandsFake()
		return commands.NewClient(m.Config(), opts...)
	}
	return commands.NewClient(cfg, opts...)
}

// iotdaConfig is the IoTDA project and credential of the flags and the
// environment (commands.ConfigFromEnv), for the command and the device
// clients; mock reports that neither names one (or --mock was given), so
// the embedded mock serves. An error is a *iotclient.ValidationError
// naming the variable: see flagOfField.
func (a *app) iotdaConfig(c *common, f *iotdaFlags) (commands.Config, bool, error) {
	cfg, mock, err := platformConfig(a, c, f.ak, f.env(), commands.ConfigFromEnv)
	if err == nil && !mock {
		a.talkingTo("Huawei IoTDA at " + cfg.Endpoint)
	}
	return cfg, mock, err
}

// ibmConfig is the IBM organization and credential of the flags and the
// environment (clientstate.ConfigFromEnv), as iotdaConfig; --ibm-url
// points a real organization's client elsewhere, so it needs one.
func (a *app) ibmConfig(c *common, f *ibmFlags) (clientstate.Config, bool, error) {
	cfg, mock, err := platformConfig(a, c, f.apiKey, f.env(), clientstate.ConfigFromEnv)
	switch {
	case mock && !c.mock && f.baseURL != "":
		return cfg, false, usagef("--ibm-url needs the platform's credentials: set $%s and $%s", envIBMAPIKey, envIBMAPIToken)
	case err == nil && !mock:
		cfg.BaseURL = f.baseURL
	}
	return cfg, mock, err
}

// liveConfig is the monitor's organization and credential of the flags
// and the environment (live.ConfigFromEnv), as ibmConfig.
func (a *app) liveConfig(c *common, f *ibmFlags) (live.Config, bool, error) {
	return platformConfig(a, c, f.apiKey, f.env(), live.ConfigFromEnv)
}

// platformConfig reads a platform's configuration with load, one of the
// SDK's ConfigFromEnv, with the flags standing in for their variables
// (fromEnv), after noting the secret flag for scrubbing; mock reports that
// neither names the platform (or --mock was given), so the embedded mock
// serves.
func platformConfig[C any](a *app, c *common, secret string, flags map[string]string, load func() (C, error)) (cfg C, mock bool, err error) {
	a.secrets = append(a.secrets, secret)
	if c.mock {
		return cfg, true, nil
	}
	err = fromEnv(flags, func() (err error) { cfg, err = load(); return err })
	if errors.Is(err, iotclient.ErrNoConfig) {
		return cfg, true, nil
	}
	return cfg, false, err
}

// stateClient builds the IBM client-state client, or one against the
// embedded mock.
func (a *app) stateClient(c *common, f *ibmFlags) (*clientstate.Client, error) {
	cfg, mock, err := a.ibmConfig(c, f)
	switch {
	case err != nil:
		return nil, err
	case mock:
		m, err := a.startMock(c.mock, "--org, --api-key or $"+envIBMAPIKey).statesFake()
		if err != nil {
			return nil, err
		}
		cfg = m.Config()
	case cfg.BaseURL != "":
		a.talkingTo("IBM Watson IoT at " + shownURL(cfg.BaseURL))
	default:
		a.talkingTo("IBM Watson IoT organization " + cfg.OrgID + " at " + cmp.Or(cfg.Domain, clientstate.DefaultDomain))
	}
	// IBM allows an organization 10 calls a second.
	opts := append(a.sdkOptions(c), iotclient.WithRateLimit(10, 10))
	return clientstate.NewClient(cfg, opts...)
}

// talkingTo is the one line on stderr saying which real platform serves
// (mockNote says when the embedded mock does).
func (a *app) talkingTo(what string) {
	fmt.Fprintln(a.stderr, "iotctl: talking to "+what)
}

// mockNote is the one line on stderr saying the embedded mock serves.
func mockNote(forced bool, unset string) string {
	if forced {
		return "iotctl: --mock: using the embedded mock server with demo data (see 'iotctl help')"
	}
	return fmt.Sprintf("iotctl: no %s set: using the embedded mock server with demo data (see 'iotctl help')", unset)
}
