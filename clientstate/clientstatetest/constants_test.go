package clientstatetest

import (
	"testing"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// The constants are spelled out so godoc shows them; they must stay the
// fake's.
func TestConstantsAreTheFakes(t *testing.T) {
	for name, c := range map[string][2]string{
		"OrgID":    {OrgID, mockserver.OrgID},
		"APIKey":   {APIKey, mockserver.APIKey},
		"APIToken": {APIToken, mockserver.APIToken},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %q, the fake accepts %q", name, c[0], c[1])
		}
	}
}
