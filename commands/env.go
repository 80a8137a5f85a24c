package commands

import (
	"cmp"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/core"
	"github.com/iotclient/iotclient-go/internal/envvar"
)

// ConfigFromEnv returns the Config the environment describes, as
// aws-sdk-go-v2's config.LoadDefaultConfig does, so every program takes
// its IoTDA project from the same variables (an empty one counts as
// unset):
//
//	IOTCLIENT_IOTDA_ENDPOINT     Endpoint (required), such as https://iotda.cn-north-4.myhuaweicloud.com
//	IOTCLIENT_IOTDA_PROJECT_ID   ProjectID (required)
//	IOTCLIENT_IOTDA_INSTANCE_ID  InstanceID (optional)
//
// and exactly one credential for Auth:
//
//	IOTCLIENT_IOTDA_AK           auth.AKSK: the access key ID,
//	IOTCLIENT_IOTDA_SK           and its secret key
//	IOTCLIENT_IOTDA_TOKEN        auth.Token: an IAM token
//	IOTCLIENT_IOTDA_IAM_USER     auth.IAMPassword: the IAM user,
//	IOTCLIENT_IOTDA_IAM_PASSWORD its password,
//	IOTCLIENT_IOTDA_IAM_DOMAIN   and its account (domain) name;
//	IOTCLIENT_IOTDA_REGION       the region the token is scoped to (default: the one in
//	                             the endpoint's host name, as in iotda.cn-north-4.myhuaweicloud.com)
//	IOTCLIENT_IOTDA_IAM_ENDPOINT the IAM endpoint (default https://iam.{region}.myhuaweicloud.com)
//
// The last two are read for an IAM login only.
//
// When none of these variables is set, the error matches
// iotclient.ErrNoConfig: a program that can run against a fake (package
// commandstest) starts it then, and says so. Any other problem, a
// credential missing, two credentials, or a value NewClient would refuse,
// is a *iotclient.ValidationError whose Field is the variable's name; its
// Value is empty for the credentials, which no error shows. The endpoints
// must be https, or http to a loopback address: a program that sends
// credentials in clear elsewhere (iotclient.WithInsecureCredentials)
// builds its Config itself.
//
// ConfigFromEnv sends no request: a wrong key or password shows on the
// first call.
func ConfigFromEnv() (Config, error) { return configFromEnv(os.LookupEnv) }

func configFromEnv(lookup envvar.Lookup) (Config, error) {
	v, err := envvar.Load(lookup, envvar.IoTDA)
	if err != nil {
		return Config{}, err
	}
	endpoint := v[envvar.IoTDAEndpoint]
	if endpoint == "" {
		return Config{}, envvar.Invalid(envvar.IoTDAEndpoint, "", "is required: the IoTDA endpoint, such as https://iotda.cn-north-4.myhuaweicloud.com")
	}
	if _, err := core.ParseEndpoint(envvar.IoTDAEndpoint, endpoint, false); err != nil {
		return Config{}, err
	}
	cfg := Config{Endpoint: endpoint, ProjectID: v[envvar.IoTDAProjectID], InstanceID: v[envvar.IoTDAInstanceID]}
	err = envvar.Rename(cfg.checkIDs(), map[string]string{
		"Config.ProjectID":  envvar.IoTDAProjectID,
		"Config.InstanceID": envvar.IoTDAInstanceID,
	})
	if err != nil {
		return Config{}, err
	}
	if cfg.Auth, err = credentialFromEnv(v, endpoint); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// credentialFields name the variable behind each part a credential checks.
var credentialFields = map[string]string{
	"auth.AKSK AK":              envvar.IoTDAAK,
	"auth.AKSK SK":              envvar.IoTDASK,
	"auth.Token":                envvar.IoTDAToken,
	"auth.IAMPassword Endpoint": envvar.IAMEndpoint,
	"auth.IAMPassword Domain":   envvar.IAMDomain,
	"auth.IAMPassword User":     envvar.IAMUser,
	"auth.IAMPassword Password": envvar.IAMPassword,
	"auth.IAMPassword Project":  envvar.IoTDARegion,
}

// oneCredential is the advice of every credential error.
const oneCredential = "set one credential: " + envvar.IoTDAAK + " and " + envvar.IoTDASK + ", or " +
	envvar.IoTDAToken + ", or " + envvar.IAMUser + ", " + envvar.IAMPassword + " and " + envvar.IAMDomain

// regionPattern is a Huawei Cloud region name, such as cn-north-4.
var regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// credentialFromEnv builds the one credential the variables describe.
func credentialFromEnv(v envvar.Vars, endpoint string) (auth.Credential, error) {
	aksk := v[envvar.IoTDAAK] != "" || v[envvar.IoTDASK] != ""
	token := v[envvar.IoTDAToken] != ""
	iam := v[envvar.IAMUser] != "" || v[envvar.IAMPassword] != "" || v[envvar.IAMDomain] != ""
	var cred auth.Credential
	switch {
	case !aksk && !token && !iam:
		return nil, envvar.Invalid(envvar.IoTDAAK, "", "no credential is set: "+oneCredential)
	case aksk && token:
		return nil, envvar.Invalid(envvar.IoTDAToken, "", "is set as well as "+envvar.IoTDAAK+"/"+envvar.IoTDASK+": "+oneCredential)
	case (aksk || token) && iam:
		return nil, envvar.Invalid(firstSet(v, envvar.IAMUser, envvar.IAMPassword, envvar.IAMDomain), "",
			"is set as well as another credential: "+oneCredential)
	case aksk:
		if err := required(v, envvar.IoTDAAK, envvar.IoTDASK); err != nil {
			return nil, err
		}
		cred = auth.AKSK(v[envvar.IoTDAAK], v[envvar.IoTDASK])
	case token:
		cred = auth.Token(v[envvar.IoTDAToken])
	default:
		if err := required(v, envvar.IAMUser, envvar.IAMPassword, envvar.IAMDomain); err != nil {
			return nil, err
		}
		region := cmp.Or(v[envvar.IoTDARegion], regionOf(endpoint))
		switch {
		case region == "":
			return nil, envvar.Invalid(envvar.IoTDARegion, "", "is required for an IAM login when "+envvar.IoTDAEndpoint+
				" names no region: the region the token is scoped to, such as cn-north-4")
		case !regionPattern.MatchString(region) || len(region) > 64:
			return nil, envvar.Invalid(envvar.IoTDARegion, region, "must be a region name such as cn-north-4")
		}
		cred = auth.IAMPassword(auth.IAMConfig{
			Endpoint: cmp.Or(v[envvar.IAMEndpoint], "https://iam."+region+".myhuaweicloud.com"),
			Domain:   v[envvar.IAMDomain],
			User:     v[envvar.IAMUser],
			Project:  region,
		}, v[envvar.IAMPassword])
	}
	if err := envvar.Validate(cred, credentialFields); err != nil {
		return nil, err
	}
	return cred, nil
}

// required is an error naming the first of names that is not set, with
// the others it goes with.
func required(v envvar.Vars, names ...string) error {
	for _, name := range names {
		if v[name] == "" {
			return envvar.Invalid(name, "", "is required with "+strings.Join(others(names, name), " and "))
		}
	}
	return nil
}

func others(names []string, not string) []string {
	var out []string
	for _, n := range names {
		if n != not {
			out = append(out, n)
		}
	}
	return out
}

func firstSet(v envvar.Vars, names ...string) string {
	for _, n := range names {
		if v[n] != "" {
			return n
		}
	}
	return names[0]
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
