// Package hwsign implements Huawei Cloud's AK/SK request signature: the
// SDK-HMAC-SHA256 algorithm of the API gateway and the derived
// V11-HMAC-SHA256 variant that IoTDA instance endpoints require. It follows
// huaweicloud-sdk-go-v3's signer byte for byte (the test vectors come from
// it and from Huawei's signing guide).
package hwsign

import (
	"crypto/fips140"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

const (
	// DateHeader carries the signing time; the gateway requires it to be signed.
	DateHeader = "X-Sdk-Date"
	// DateLayout is the Go layout of DateHeader's value (UTC, basic ISO 8601).
	DateLayout = "20060102T150405Z"
	// AlgorithmSDK names the plain signature: HMAC-SHA256 keyed with the SK.
	AlgorithmSDK = "SDK-HMAC-SHA256"
	// AlgorithmV11 names the derived signature: HMAC-SHA256 keyed with a key
	// derived from AK, SK, the date, the region and the service.
	AlgorithmV11 = "V11-HMAC-SHA256"
	// SecurityTokenHeader carries the session token of temporary credentials.
	SecurityTokenHeader = "X-Security-Token"
)

// Signer signs requests. Derived=true selects V11-HMAC-SHA256 with Region and
// Service (info = yyyyMMdd/region/service); otherwise SDK-HMAC-SHA256 is used.
// A Signer holds secrets: never print it.
type Signer struct {
	AK, SK        string
	SecurityToken string
	Derived       bool
	Region        string
	Service       string
}

// Sign sets X-Sdk-Date (formatted from now in UTC, replacing any existing
// value), X-Security-Token when SecurityToken != "", and Authorization. body
// is the exact body bytes (nil = empty).
//
// Signed headers are all header names present in req.Header (lowercased,
// sorted), leaving out content-type and any name containing '_' as the
// official SDK does, plus "host" only if req.Header has an explicit "Host"
// entry. Content-Length, Transfer-Encoding and Trailer are left out too:
// net/http writes them from the request's own fields, never from req.Header,
// so signing them would sign values that are not sent; for the same reason
// an empty or repeated User-Agent is not signed. A stale Authorization
// from an earlier attempt is removed first, so a retried request is signed
// afresh rather than signing its old signature.
//
// Errors name the missing part (AK, SK, region, service), never a secret.
func (s Signer) Sign(req *http.Request, body []byte, now time.Time) error {
	switch {
	case req == nil || req.URL == nil:
		return errors.New("hwsign: nil request or URL")
	case s.AK == "":
		return errors.New("hwsign: access key (AK) is empty")
	case s.SK == "":
		return errors.New("hwsign: secret key (SK) is empty")
	case s.Derived && s.Region == "":
		return errors.New("hwsign: derived signing needs a region")
	case s.Derived && s.Service == "":
		return errors.New("hwsign: derived signing needs a service")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	now = now.UTC()
	date := now.Format(DateLayout)
	req.Header.Del("Authorization")
	req.Header.Set(DateHeader, date)
	if s.SecurityToken != "" {
		req.Header.Set(SecurityTokenHeader, s.SecurityToken)
	}

	signed := signedHeaderNames(req.Header)
	sig, err := s.Signature(req, signed, body, date)
	if err != nil {
		return err
	}
	algorithm, credential := AlgorithmSDK, "Access="+s.AK
	if s.Derived {
		algorithm, credential = AlgorithmV11, "Credential="+s.AK+"/"+s.derivedInfo(date)
	}
	req.Header.Set("Authorization",
		algorithm+" "+credential+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
	return nil
}

// Signature is the lowercase hex signature of req over the signed header
// names (lowercase, sorted) and body at date, the X-Sdk-Date value: what
// Sign puts in Authorization, and what a verifier recomputes from the names
// a request says it signed.
func (s Signer) Signature(req *http.Request, signed []string, body []byte, date string) (string, error) {
	if err := checkKeyLength(s.SK); err != nil {
		return "", err
	}
	algorithm, key, info := AlgorithmSDK, s.SK, ""
	if s.Derived {
		info = s.derivedInfo(date)
		algorithm, key = AlgorithmV11, DerivedKey(s.AK, s.SK, info)
	}
	return signature(key, algorithm, date, info, []byte(CanonicalRequest(req, signed, PayloadHash(body)))), nil
}

// signedHeaderNames lists the headers Sign covers; see Sign for the rules.
func signedHeaderNames(h http.Header) []string {
	// net/http sends only the first User-Agent, and none at all when it is
	// empty: sign it only when what is signed is what is sent.
	ua, hasUA := h["User-Agent"]
	skipUA := hasUA && (len(ua) != 1 || strings.TrimSpace(ua[0]) == "")
	names := make([]string, 0, len(h))
	for k := range h {
		name := strings.ToLower(k)
		switch {
		case name == "content-type", strings.Contains(name, "_"),
			name == "content-length", name == "transfer-encoding", name == "trailer",
			name == "authorization", name == "user-agent" && skipUA:
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return slices.Compact(names) // "X-A" and "x-a" map keys are one header
}

// derivedInfo is the V11 info, yyyyMMdd/region/service, for an X-Sdk-Date value.
func (s Signer) derivedInfo(date string) string {
	day, _, _ := strings.Cut(date, "T")
	return day + "/" + s.Region + "/" + s.Service
}

// DerivedKey is the lowercase hex of HKDF-SHA256(IKM=SK, salt=AK, info, 32
// bytes). The V11 signature is keyed with this hex text, not the raw bytes,
// as the official SDK does. hkdf.Key fails only for an SK that
// checkKeyLength refuses first (FIPS 140-only mode).
func DerivedKey(ak, sk, info string) string {
	key, err := hkdf.Key(sha256.New, []byte(sk), []byte(ak), info, sha256.Size)
	if err != nil {
		panic("hwsign: hkdf: " + err.Error())
	}
	return hex.EncodeToString(key)
}

// stringToSign is "ALGORITHM\nDATE\n[INFO\n]HEX(SHA256(canonical))"; only
// the derived algorithm has an INFO line.
func stringToSign(algorithm, date, info string, canonical []byte) string {
	sum := sha256.Sum256(canonical)
	head := algorithm + "\n" + date + "\n"
	if info != "" {
		head += info + "\n"
	}
	return head + hex.EncodeToString(sum[:])
}

// signature is the lowercase hex HMAC-SHA256 of the canonical request's
// string to sign.
func signature(key, algorithm, date, info string, canonical []byte) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(stringToSign(algorithm, date, info, canonical)))
	return hex.EncodeToString(mac.Sum(nil))
}

// minFIPSKeyLength is the shortest HMAC or HKDF key (112 bits) that
// crypto/hmac and crypto/hkdf accept under GODEBUG=fips140=only.
const minFIPSKeyLength = 112 / 8

// checkKeyLength refuses, with an error rather than crypto/hmac's panic, a
// secret key too short for FIPS 140-only mode. Real SKs are 40 characters.
func checkKeyLength(sk string) error {
	if fips140.Enforced() && len(sk) < minFIPSKeyLength {
		return errors.New("hwsign: secret key (SK) is shorter than FIPS 140-only mode allows")
	}
	return nil
}
