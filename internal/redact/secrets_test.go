package redact

import (
	stdjson "encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretsInEveryForm(t *testing.T) {
	const tok = "Tok&(en)!?/é x"
	html, _ := stdjson.Marshal(tok)
	for _, form := range []string{
		tok, url.QueryEscape(tok), url.PathEscape(tok), "Tok%26%28en%29%21%3f%2f%c3%a9+x",
		strings.Trim(string(html), `"`), strings.ReplaceAll(tok, "/", `\/`), `Tok&(en)!?/\u00e9 x`, `Tok&(en)!?/\u00E9 x`,
	} {
		assert.Equal(t, "<"+Placeholder+">", Secrets("<"+form+">", []string{tok}), form)
	}
}

func TestSecretsLongestFirstAndShortOnesLeft(t *testing.T) {
	assert.Equal(t, "[redacted] and [redacted]", Secrets("abcdef and abcd", []string{"abcd", "abcdef"}))
	assert.Equal(t, "abc", Secrets("abc", []string{"abc"}), "secrets under 4 bytes would garble text")
	assert.Equal(t, "", Secrets("", []string{"abcd"}))
}
