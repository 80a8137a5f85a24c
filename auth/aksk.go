package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/internal/hwsign"
)

// instanceService is the service name in the derived signature's info for
// IoTDA instance endpoints.
const instanceService = "iotdm"

// AKSKOption changes how AKSK signs.
type AKSKOption func(*akskCredential)

// WithSecurityToken makes the credential temporary: tok (the session token
// IAM issues with a temporary AK/SK) is sent as X-Security-Token and covered
// by the signature. An empty tok makes Apply fail rather than sign without
// it, which the platform would refuse anyway.
func WithSecurityToken(tok string) AKSKOption {
	return func(c *akskCredential) { c.securityToken, c.temporary = hide(tok), true }
}

// WithDerivedSigning forces the derived V11-HMAC-SHA256 signature with the
// given region and the IoTDA service name "iotdm", whatever the request's
// host. It is needed only when an instance endpoint is reached through a
// name AKSK does not recognise (a proxy, a private DNS name); an empty
// region makes Apply fail.
func WithDerivedSigning(region string) AKSKOption {
	return func(c *akskCredential) { c.region, c.forceDerived = region, true }
}

// AKSK authenticates Huawei Cloud requests by signing them with an access
// key (AK) and secret key (SK), Huawei's recommended method. Every Apply
// signs afresh with the current time, so a retried request carries a new
// X-Sdk-Date and signature (the gateway allows 15 minutes of clock skew).
//
// The algorithm is chosen per request:
//
//   - SDK-HMAC-SHA256, keyed with the SK, for regional endpoints
//     (https://iotda.{region}.myhuaweicloud.com) and any other host;
//   - V11-HMAC-SHA256, the derived signature that standard and enterprise
//     instances require, when the request's host is an instance endpoint
//     {10 hex digits}.st1.iotda-app.{region}.myhuaweicloud.com: the region
//     is taken from the host and the service is "iotdm". WithDerivedSigning
//     forces it for any host.
//
// Signed are every header already set on the request except Content-Type
// (the official SDK leaves it out), plus X-Sdk-Date and, with
// WithSecurityToken, X-Security-Token. Apply fails, naming the missing part
// and never showing a secret, when the AK or SK is empty.
func AKSK(ak, sk string, opts ...AKSKOption) Credential {
	c := &akskCredential{ak: hide(ak), sk: hide(sk), now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	desc := fmt.Sprintf("auth.AKSK{AK: %q, SK: %s", abbreviate(ak), secret(sk))
	if c.temporary {
		desc += ", SecurityToken: " + secret(c.securityToken.get())
	}
	if c.forceDerived {
		desc += fmt.Sprintf(", DerivedRegion: %q", c.region)
	}
	c.base = base{desc: desc + "}", invalid: c.check()}
	return c
}

// akskCredential is a pointer type for the reason given on tokenCredential.
type akskCredential struct {
	base
	ak, sk        hidden
	securityToken hidden
	temporary     bool // WithSecurityToken was given
	region        string
	forceDerived  bool             // WithDerivedSigning was given
	now           func() time.Time // the signing clock; tests replace it
}

// check reports an empty AK, SK, security token or forced region.
func (c *akskCredential) check() error {
	switch {
	case c.ak.get() == "":
		return missing("auth.AKSK AK", "the access key (AK) is empty")
	case c.sk.get() == "":
		return missing("auth.AKSK SK", "the secret key (SK) is empty")
	case c.temporary && c.securityToken.get() == "":
		return missing("auth.AKSK security token", "WithSecurityToken was given an empty token")
	case c.forceDerived && c.region == "":
		return missing("auth.AKSK region", "WithDerivedSigning was given an empty region")
	case !headerSafe(c.ak.get()):
		// The AK is sent inside the Authorization header.
		return missing("auth.AKSK AK", "the access key (AK) contains control characters")
	case !headerSafe(c.securityToken.get()):
		return missing("auth.AKSK security token", "the security token contains control characters")
	}
	return nil
}

// Apply signs req (and body, the exact bytes sent) with the current time,
// setting X-Sdk-Date, X-Security-Token for temporary credentials, and
// Authorization.
func (c *akskCredential) Apply(req *http.Request, body []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	s := hwsign.Signer{AK: c.ak.get(), SK: c.sk.get(), SecurityToken: c.securityToken.get()}
	if c.forceDerived {
		s.Derived, s.Region, s.Service = true, c.region, instanceService
	} else if region, ok := instanceRegion(req); ok {
		s.Derived, s.Region, s.Service = true, region, instanceService
	}
	return s.Sign(req, body, c.now())
}

// instanceHost matches a standard/enterprise instance endpoint,
// {10 hex}.st1.iotda-app.{region}.myhuaweicloud.com, capturing its region.
var instanceHost = regexp.MustCompile(`^[0-9a-f]{10}\.st1\.iotda-app\.([a-z0-9-]+)\.myhuaweicloud\.com$`)

// instanceRegion returns the region of req's host (req.Host when set, else
// the URL's: the one net/http sends) when it is an instance endpoint.
func instanceRegion(req *http.Request) (string, bool) {
	h := req.Host
	if h == "" {
		h = req.URL.Host
	}
	host := strings.ToLower(strings.TrimSuffix((&url.URL{Host: h}).Hostname(), "."))
	if m := instanceHost.FindStringSubmatch(host); m != nil {
		return m[1], true
	}
	return "", false
}

// Secrets lists the AK, SK and security token, which the SDK removes from
// every error text.
func (c *akskCredential) Secrets() []string {
	return []string{c.sk.get(), c.securityToken.get(), c.ak.get()}
}
