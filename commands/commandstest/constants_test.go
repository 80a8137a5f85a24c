package commandstest

import (
	"testing"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// The constants are spelled out so godoc shows them; they must stay the
// fake's.
func TestConstantsAreTheFakes(t *testing.T) {
	for name, c := range map[string][2]string{
		"ProjectID":   {ProjectID, mockserver.ProjectID},
		"AccessKey":   {AccessKey, mockserver.AccessKey},
		"SecretKey":   {SecretKey, mockserver.SecretKey},
		"Token":       {Token, mockserver.Token},
		"IAMDomain":   {IAMDomain, mockserver.IAMDomain},
		"IAMUser":     {IAMUser, mockserver.IAMUser},
		"IAMPassword": {IAMPassword, mockserver.IAMPassword},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %q, the fake accepts %q", name, c[0], c[1])
		}
	}
}
