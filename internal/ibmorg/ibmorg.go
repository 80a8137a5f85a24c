// Package ibmorg works out the Watson IoT organization of every IBM
// configuration the same way: OrgID when set, else the API key's.
package ibmorg

import (
	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
)

// Resolve returns orgID when set, else the org of cred's API key, else a
// *iotclient.ValidationError for field. It does not check the org's form.
func Resolve(field, orgID string, cred auth.Credential) (string, error) {
	if orgID != "" {
		return orgID, nil
	}
	if k, ok := cred.(interface{ Org() (string, bool) }); ok {
		if org, ok := k.Org(); ok {
			return org, nil
		}
	}
	return "", iotclient.NewValidationError(field, "", "is required when the API key does not have the form a-{org}-{random}")
}
