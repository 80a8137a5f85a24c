package devicestate_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/iotclient/iotclient-go/auth"
	"github.com/iotclient/iotclient-go/devicestate"
)

func TestNewClientChecksTheConfig(t *testing.T) {
	for field, cfg := range map[string]devicestate.Config{
		"Config.ProjectID":  {Endpoint: unitEndpoint, Auth: auth.Token("t")},
		"Config.InstanceID": {Endpoint: unitEndpoint, ProjectID: "p1", InstanceID: "a b", Auth: auth.Token("t")},
		"Endpoint":          {Endpoint: "ftp://x", ProjectID: "p1", Auth: auth.Token("t")},
		"Auth":              {Endpoint: unitEndpoint, ProjectID: "p1"},
	} {
		_, err := devicestate.NewClient(cfg)
		requireInvalid(t, err, field)
	}
}

func TestConfigPrintsNoSecret(t *testing.T) {
	cfg := devicestate.Config{Endpoint: unitEndpoint, ProjectID: "p1", Auth: auth.AKSK("AKID", "very-secret-key"), SearchInterval: -1}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", cfg)} {
		assert.NotContains(t, s, "very-secret-key")
		assert.Contains(t, s, "devicestate.Config")
	}
}
