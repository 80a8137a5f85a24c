package auth

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// holder keeps a credential or a configuration where fmt cannot call its
// methods: in an unexported field.
type holder struct {
	name string
	v    any
}

// Every fmt verb, slog handler and encoding/json, on credentials and
// configurations nested in unexported fields, shows no secret.
func TestNoSecretInAnyNesting(t *testing.T) {
	const (
		tok, ak, sk, st = "tok-SECRET-0001", "AKID-SECRET-0002", "SK-SECRET-0003", "ST-SECRET-0004"
		key, ibmTok, pw = "a-ab12cd-KEYSECRET5", "IBMTOK-SECRET-0006", "PW-SECRET-0007"
	)
	secrets := []string{tok, sk, st, ibmTok, pw, "KEYSECRET5", "SECRET-0002"}
	cfg := IAMConfig{Endpoint: "https://iam.example.com", Domain: "d", User: "u", Project: "p"}
	values := []any{
		Token(tok), AKSK(ak, sk, WithSecurityToken(st)), APIKey(key, ibmTok), IAMPassword(cfg, pw), cfg, &cfg,
	}
	for _, v := range values {
		for _, w := range []any{v, holder{"h", v}, &holder{"h", v}, struct{ h holder }{holder{"x", v}}, []any{v}} {
			var out bytes.Buffer
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
				fmt.Fprintf(&out, verb+"\n", w)
			}
			slog.New(slog.NewTextHandler(&out, nil)).Info("m", "v", w)
			slog.New(slog.NewJSONHandler(&out, nil)).Info("m", "v", w)
			b, err := stdjson.Marshal(w)
			require.NoError(t, err)
			out.Write(b)
			for _, s := range secrets {
				require.NotContains(t, out.String(), s, "%T", w)
				require.NotContains(t, out.String(), fmt.Sprintf("%x", s), "%T", w)
			}
		}
	}
}
