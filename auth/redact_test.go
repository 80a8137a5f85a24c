package auth

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

// secrets are the values that must never be printed. The derived V11 key
// and signatures are covered by hwsign's tests; here the inputs matter.
var secrets = []string{testSK, testToken, testSTS, testPass}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, sec := range secrets {
		assert.NotContains(t, s, sec)
	}
}

func TestPrintingRedacts(t *testing.T) {
	cases := []struct {
		cred Credential
		want string
	}{
		{Token(testToken), `auth.Token{Token: "[redacted]"}`},
		{Token(""), `auth.Token{Token: ""}`},
		{AKSK(testAK, testSK), `auth.AKSK{AK: "HPUA…0001", SK: "[redacted]"}`},
		{AKSK(testAK, testSK, WithSecurityToken(testSTS), WithDerivedSigning("cn-north-4")),
			`auth.AKSK{AK: "HPUA…0001", SK: "[redacted]", SecurityToken: "[redacted]", DerivedRegion: "cn-north-4"}`},
		{AKSK("AKSHORT", testSK), `auth.AKSK{AK: "AK…", SK: "[redacted]"}`},
		{AKSK("", ""), `auth.AKSK{AK: "", SK: ""}`},
		{APIKey(testKey, testPass), `auth.APIKey{Key: "a-ab12cd-tsh5…r4qw", Token: "[redacted]"}`},
		{APIKey("some-other-key-format", testPass), `auth.APIKey{Key: "some…rmat", Token: "[redacted]"}`},
	}
	for _, tc := range cases {
		c := tc.cred
		assert.Equal(t, tc.want, fmt.Sprint(c))
		assert.Equal(t, tc.want, fmt.Sprintf("%v", c))
		assert.Equal(t, tc.want, fmt.Sprintf("%+v", c))
		assert.Equal(t, tc.want, fmt.Sprintf("%#v", c))
		assert.Equal(t, tc.want, fmt.Sprintf("%s", c))
		assert.Equal(t, fmt.Sprintf("%q", tc.want), fmt.Sprintf("%q", c))
		assert.Equal(t, tc.want, c.(fmt.Stringer).String())
		assert.Equal(t, tc.want, c.(fmt.GoStringer).GoString())

		all := fmt.Sprintf("%v %+v %#v %s %q %x %X %d %T %p %60s %-60v", c, c, c, c, c, c, c, c, c, c, c, c)
		assertNoSecrets(t, all)
		assert.Contains(t, all, "%!x(")

		// Inside other values: an exported field, an unexported field (where
		// fmt cannot call methods and prints the pointer), a slice, a map.
		type config struct {
			Auth   Credential
			hidden Credential
		}
		nested := fmt.Sprintf("%v %+v %#v", config{c, c}, []Credential{c}, map[string]Credential{"k": c})
		assertNoSecrets(t, nested)
		assert.Contains(t, nested, tc.want)

		// log/slog, with both handlers.
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "auth", c, slog.Any("cfg", config{Auth: c}))
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "auth", c)
		assertNoSecrets(t, buf.String())
		assert.Contains(t, buf.String(), tc.want[:10])

		// encoding/json sees no exported fields.
		b, err := stdjson.Marshal(c)
		assert.NoError(t, err)
		assertNoSecrets(t, string(b))
	}
}

func TestAbbreviate(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"a":                   "…",
		"abcd":                "ab…",
		"abcdefgh":            "ab…",
		"abcdefghi":           "abcd…fghi",
		"HPUAEXAMPLEAK000001": "HPUA…0001",
		"ключдоступа":         "ключ…тупа",
	} {
		assert.Equal(t, want, abbreviate(in), in)
	}
}
