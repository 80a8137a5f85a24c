// Package ibmorg works out which Watson IoT organization a configuration
// talks to, the same way for every IBM configuration (clientstate.Config,
// live.Config): the OrgID field when set, else the organization embedded in
// an API key of the form a-{org}-{random}.
package ibmorg

import (
	"context"
	"net/http"

	iotclient "github.com/iotclient/iotclient-go"
	"github.com/iotclient/iotclient-go/auth"
)

// Missing is the one validation message for a configuration that names no
// organization and whose API key does not carry one.
const Missing = "is required when the API key does not have the form a-{org}-{random}"

// Resolve returns orgID when it is set, else the organization of cred's API
// key. Neither is a *iotclient.ValidationError for field (such as
// "Config.OrgID") saying Missing. It checks the presence of an org only, not
// its form.
func Resolve(field, orgID string, cred auth.Credential) (string, error) {
	if orgID != "" {
		return orgID, nil
	}
	if org, ok := FromCredential(cred); ok {
		return org, nil
	}
	return "", iotclient.NewValidationError(field, "", Missing)
}

// FromCredential returns the organization embedded in the API key cred
// sends as HTTP Basic user name (auth.APIKey with a key a-{org}-{random});
// ok is false for any other credential. auth.APIKey keeps its key to
// itself: applying it to a throwaway request is how the key is read.
func FromCredential(cred auth.Credential) (org string, ok bool) {
	if _, refreshes := cred.(auth.Refresher); cred == nil || refreshes {
		return "", false // a token credential (IAM) logs in to apply itself
	}
	// A cancelled context: applying a credential must not reach a network.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://org.invalid/", nil)
	if err != nil || cred.Apply(req, nil) != nil {
		return "", false
	}
	user, _, ok := req.BasicAuth()
	if !ok {
		return "", false
	}
	return auth.OrgFromAPIKey(user)
}
