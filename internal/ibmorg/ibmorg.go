// Package ibmorg checks the where of every IBM configuration
// (clientstate.Config, live.Config) the same way: the organization (OrgID
// when set, else the API key's) and the domain.
package ibmorg

import (
	"cmp"
	"regexp"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/internal/invalid"
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
	return "", invalid.Field(field, "", "is required when the API key does not have the form a-{org}-{random}")
}

// domainPattern is dot-separated labels of letters, digits and inner '-'.
var domainPattern = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// Domain returns domain, or def when it is empty (the default is written
// once, as clientstate.DefaultDomain, which this package cannot import), or
// a *iotclient.ValidationError for Config.Domain when it is not a host
// name.
func Domain(domain, def string) (string, error) {
	domain = cmp.Or(domain, def)
	if len(domain) > 253 || !domainPattern.MatchString(domain) {
		return "", invalid.Field("Config.Domain", domain, "must be a host name such as "+def)
	}
	return domain, nil
}
