package clientstate

import (
	"os"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/envvar"
	"github.com/iotclient/iotclient-go/internal/ibmorg"
)

// ConfigFromEnv returns the Config the environment describes, as
// aws-sdk-go-v2's config.LoadDefaultConfig does, so every program takes
// its organization from the same variables (an empty one counts as
// unset):
//
//	IOTCLIENT_IBM_API_KEY    the API key, a-{org}-{random} (required)
//	IOTCLIENT_IBM_API_TOKEN  its authentication token (required); with the key, Auth: auth.APIKey
//	IOTCLIENT_IBM_ORG        OrgID (required unless the API key names the organization)
//	IOTCLIENT_IBM_DOMAIN     Domain (optional; DefaultDomain when unset)
//
// OrgID is filled in from the API key when IOTCLIENT_IBM_ORG is unset.
// live.ConfigFromEnv reads the same variables, so a program that uses
// both packages talks to one organization.
//
// When none of these variables is set, the error matches
// iotclient.ErrNoConfig: a program that can run against a fake (package
// clientstatetest) starts it then, and says so. Any other problem is a
// *iotclient.ValidationError whose Field is the variable's name; its Value
// is empty for the key and the token, which no error shows.
//
// ConfigFromEnv sends no request: a wrong key or token shows on the first
// call.
func ConfigFromEnv() (Config, error) { return configFromEnv(os.LookupEnv) }

func configFromEnv(lookup envvar.Lookup) (Config, error) {
	v, err := envvar.Load(lookup, envvar.IBM)
	if err != nil {
		return Config{}, err
	}
	key, token := v[envvar.IBMAPIKey], v[envvar.IBMAPIToken]
	switch {
	case key == "":
		return Config{}, envvar.Invalid(envvar.IBMAPIKey, "", "is required: the API key, with its token in "+envvar.IBMAPIToken)
	case token == "":
		return Config{}, envvar.Invalid(envvar.IBMAPIToken, "", "is required: the API key's authentication token")
	}
	cred := auth.APIKey(key, token)
	err = envvar.Validate(cred, map[string]string{"auth.APIKey key": envvar.IBMAPIKey, "auth.APIKey token": envvar.IBMAPIToken})
	if err != nil {
		return Config{}, err
	}
	org, err := ibmorg.Resolve(envvar.IBMOrg, v[envvar.IBMOrg], cred)
	if err != nil {
		return Config{}, err
	}
	if !validIDPart(org, "") {
		return Config{}, envvar.Invalid(envvar.IBMOrg, org, "must be 1 to 36 letters and digits")
	}
	if _, err := ibmorg.Domain(v[envvar.IBMDomain], DefaultDomain); err != nil {
		return Config{}, envvar.Rename(err, map[string]string{"Config.Domain": envvar.IBMDomain})
	}
	return Config{OrgID: org, Domain: v[envvar.IBMDomain], Auth: cred}, nil
}
