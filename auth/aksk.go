package auth

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/iotclient/iotclient-go/internal/config"
	"github.com/iotclient/iotclient-go/internal/hwsign"
)

// instanceService is IoTDA's service name in the derived signature.
const instanceService = "iotdm"

// AKSKOption changes how AKSK signs: WithSecurityToken or
// WithDerivedSigning. It follows iotclient.Option's idiom: an interface
// whose method takes an internal type, so only this package provides one;
// a nil AKSKOption changes nothing.
type AKSKOption interface {
	// Apply sets the option in AKSK's settings. Only the SDK calls it:
	// its argument's type is internal.
	Apply(*config.AKSK)
}

// akskOption is every AKSKOption this package returns.
type akskOption func(*config.AKSK)

// Apply sets the option.
func (o akskOption) Apply(s *config.AKSK) { o(s) }

// WithSecurityToken sends tok, the session token of a temporary AK/SK, as
// X-Security-Token, covered by the signature. An empty tok is refused.
func WithSecurityToken(tok string) AKSKOption {
	return akskOption(func(s *config.AKSK) { s.SecurityToken, s.Temporary = tok, true })
}

// WithDerivedSigning forces the derived V11-HMAC-SHA256 signature with
// region, for an instance endpoint reached through a name AKSK does not
// recognise (a proxy, a private DNS name). An empty region is refused.
func WithDerivedSigning(region string) AKSKOption {
	return akskOption(func(s *config.AKSK) { s.Region, s.ForceDerived = region, true })
}

// AKSK authenticates Huawei Cloud requests by signing them with an access
// key (AK) and secret key (SK). Every Apply signs with the current time, so
// a retry carries a new X-Sdk-Date (the gateway allows 15 minutes of skew).
//
// The algorithm is SDK-HMAC-SHA256 for regional endpoints and any other
// host, and the derived V11-HMAC-SHA256 that standard and enterprise
// instances require when the host is an instance endpoint,
// {10 hex digits}.st1.iotda-app.{region}.myhuaweicloud.com (region from
// the host, service "iotdm"). Every header already set is signed but
// Content-Type, as in the official SDK. An empty AK or SK is refused.
func AKSK(ak, sk string, opts ...AKSKOption) Credential {
	var s config.AKSK
	for _, o := range opts {
		if o != nil {
			o.Apply(&s)
		}
	}
	c := &akskCredential{ak: hide(ak), sk: hide(sk), securityToken: hide(s.SecurityToken), temporary: s.Temporary,
		region: s.Region, forceDerived: s.ForceDerived, now: time.Now}
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
	now           func() time.Time // tests replace it
}

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
		return missing("auth.AKSK AK", "the access key (AK) contains control characters")
	case !headerSafe(c.securityToken.get()):
		return missing("auth.AKSK security token", "the security token contains control characters")
	}
	return nil
}

// Apply signs req and body with the current time.
func (c *akskCredential) Apply(req *http.Request, body []byte) error {
	if err := prepare(req, c.invalid); err != nil {
		return err
	}
	s := hwsign.Signer{AK: c.ak.get(), SK: c.sk.get(), SecurityToken: c.securityToken.get(),
		Derived: c.forceDerived, Region: c.region, Service: instanceService}
	if !s.Derived {
		s.Region, s.Derived = instanceRegion(req)
	}
	return s.Sign(req, body, c.now())
}

// instanceHost matches an instance endpoint, capturing its region.
var instanceHost = regexp.MustCompile(`^[0-9a-f]{10}\.st1\.iotda-app\.([a-z0-9-]+)\.myhuaweicloud\.com$`)

// instanceRegion returns the region of the host net/http sends (req.Host,
// else the URL's) when it is an instance endpoint.
func instanceRegion(req *http.Request) (string, bool) {
	host := strings.ToLower(strings.TrimSuffix((&url.URL{Host: cmp.Or(req.Host, req.URL.Host)}).Hostname(), "."))
	if m := instanceHost.FindStringSubmatch(host); m != nil {
		return m[1], true
	}
	return "", false
}

// Secrets lists the SK, security token and AK.
func (c *akskCredential) Secrets() []string {
	return []string{c.sk.get(), c.securityToken.get(), c.ak.get()}
}
