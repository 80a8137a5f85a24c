package live

import "github.com/iotclient/iotclient-go/clientstate"

// ConfigFromEnv returns the monitor's Config from the variables
// clientstate.ConfigFromEnv reads, with the same rules and errors:
//
//	IOTCLIENT_IBM_API_KEY    the API key, a-{org}-{random} (required)
//	IOTCLIENT_IBM_API_TOKEN  its authentication token (required); with the key, Auth: auth.APIKey
//	IOTCLIENT_IBM_ORG        OrgID (required unless the API key names the organization)
//	IOTCLIENT_IBM_DOMAIN     Domain (optional; clientstate.DefaultDomain when unset)
//
// The monitor then connects to ssl://{org}.messaging.{domain}:8883 with a
// random AppID; set the other fields (AppID, Subscriptions, OnConnect, ...)
// on the result. When none of the variables is set, the error matches
// iotclient.ErrNoConfig (a program may then start package livetest's
// fake); any other problem is a *iotclient.ValidationError whose Field is
// the variable's name.
func ConfigFromEnv() (Config, error) {
	c, err := clientstate.ConfigFromEnv()
	if err != nil {
		return Config{}, err
	}
	return Config{OrgID: c.OrgID, Domain: c.Domain, Auth: c.Auth}, nil
}
