package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

type leaky struct{ Secret string }

type named struct{ Secret string }

func (named) String() string { return "named{[redacted]}" }

func TestCredential(t *testing.T) {
	assert.Equal(t, "<nil>", Credential(nil))
	assert.Equal(t, "named{[redacted]}", Credential(named{"tok-secret"}))
	assert.Equal(t, "redact.leaky", Credential(leaky{"s3cret"}))
}

func TestURL(t *testing.T) {
	assert.Equal(t, "", URL(""))
	assert.Equal(t, "https://redacted@h/p", URL("https://u:pw@h/p"))
	assert.Equal(t, "https://h/p", URL("https://h/p?token=abc#frag"))
	assert.Equal(t, "https://x.example.com", URL("https://x.example.com?token=abc"))
	assert.Equal(t, "(unparsable URL)", URL("http://[::1?token=abc"))
}
