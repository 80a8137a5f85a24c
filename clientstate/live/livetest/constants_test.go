package livetest

import (
	"testing"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

func TestConstantsAreTheFakes(t *testing.T) {
	if OrgID != mockserver.OrgID || APIKey != mockserver.APIKey || APIToken != mockserver.APIToken {
		t.Errorf("constants differ from the fake's: %q %q %q", OrgID, APIKey, APIToken)
	}
}
