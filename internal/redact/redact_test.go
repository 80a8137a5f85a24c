package redact

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/iotclient/iotclient-go/auth"
)

type leaky struct{ Secret string }

func (leaky) Apply(*http.Request, []byte) error { return nil }

func TestCredential(t *testing.T) {
	assert.Equal(t, "<nil>", Credential(nil))
	assert.NotContains(t, Credential(auth.Token("tok-secret")), "tok-secret")
	assert.Equal(t, "redact.leaky", Credential(leaky{"s3cret"}))
}

func TestURL(t *testing.T) {
	assert.Equal(t, "", URL(""))
	assert.Equal(t, "https://redacted@h/p", URL("https://u:pw@h/p"))
	assert.Equal(t, "https://h/p?q=1", URL("https://h/p?q=1"))
	assert.Equal(t, "(unparsable URL)", URL("http://[::1"))
}
