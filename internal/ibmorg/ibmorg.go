// Package ibmorg works out which Watson IoT organization a configuration
// talks to, the same way for every IBM configuration (clientstate.Config,
// live.Config): the OrgID field when set, else the organization embedded in
// an API key of the form a-{org}-{random}.
package ibmorg

import (
	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
)

// Missing is the one validation message for a configuration that names no
// organization and whose API key does not carry one.
const Missing = "is required when the API key does not have the form a-{org}-{random}"

// orgKey is a credential that knows its organization: auth.APIKey.
type orgKey interface{ Org() (string, bool) }

// Resolve returns orgID when it is set, else the organization of cred's API
// key. Neither is a *iotclient.ValidationError for field (such as
// "Config.OrgID") saying Missing. It checks the presence of an org only, not
// its form.
func Resolve(field, orgID string, cred auth.Credential) (string, error) {
	if orgID != "" {
		return orgID, nil
	}
	if k, ok := cred.(orgKey); ok {
		if org, ok := k.Org(); ok {
			return org, nil
		}
	}
	return "", iotclient.NewValidationError(field, "", Missing)
}
