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

// The signature's headers, date format and algorithms: V11 is keyed with a
// key derived from AK, SK, day, region and service.
const (
	DateHeader          = "X-Sdk-Date"
	DateLayout          = "20060102T150405Z"
	SecurityTokenHeader = "X-Security-Token"
	AlgorithmSDK        = "SDK-HMAC-SHA256"
	AlgorithmV11        = "V11-HMAC-SHA256"
)

// Signer signs requests, with V11-HMAC-SHA256 over Region and Service when
// Derived, else SDK-HMAC-SHA256. It holds secrets: never print it. Its
// caller (auth.AKSK) has checked the keys are set.
type Signer struct {
	AK, SK        string
	SecurityToken string
	Derived       bool
	Region        string
	Service       string
}

// Sign sets X-Sdk-Date from now, X-Security-Token when there is one, and
// Authorization, over the exact body bytes. A stale Authorization is
// dropped first, so a retry is signed afresh.
//
// Signed are the headers in req.Header, lowercased and sorted, but for
// content-type and names with '_' (as the official SDK does), and for
// Content-Length, Transfer-Encoding, Trailer and an empty or repeated
// User-Agent, which net/http does not send from req.Header as they stand.
// "host" is signed only when req.Header has an explicit Host.
func (s Signer) Sign(req *http.Request, body []byte, now time.Time) error {
	date := now.UTC().Format(DateLayout)
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

// Signature is the hex signature of req over the signed header names and
// body at date (the X-Sdk-Date value): what Sign sends, and what a
// verifier recomputes from the names a request says it signed.
func (s Signer) Signature(req *http.Request, signed []string, body []byte, date string) (string, error) {
	// crypto/hmac panics on a short key in FIPS 140-only mode; real SKs
	// are 40 characters.
	if fips140.Enforced() && len(s.SK) < 112/8 {
		return "", errors.New("hwsign: secret key (SK) is shorter than FIPS 140-only mode allows")
	}
	// The string to sign is ALGORITHM\nDATE\n[INFO\n]HEX(SHA256(canonical)).
	key, sts := s.SK, AlgorithmSDK+"\n"+date+"\n"
	if s.Derived {
		info := s.derivedInfo(date)
		key, sts = DerivedKey(s.AK, s.SK, info), AlgorithmV11+"\n"+date+"\n"+info+"\n"
	}
	sum := sha256.Sum256([]byte(CanonicalRequest(req, signed, PayloadHash(body))))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(sts + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

func signedHeaderNames(h http.Header) []string {
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

// derivedInfo is the V11 info, yyyyMMdd/region/service.
func (s Signer) derivedInfo(date string) string {
	day, _, _ := strings.Cut(date, "T")
	return day + "/" + s.Region + "/" + s.Service
}

// DerivedKey is the hex of HKDF-SHA256(IKM=SK, salt=AK, info, 32 bytes):
// the V11 signature is keyed with this text, as the official SDK does.
// hkdf.Key fails only for a key Signature refuses first.
func DerivedKey(ak, sk, info string) string {
	key, err := hkdf.Key(sha256.New, []byte(sk), []byte(ak), info, sha256.Size)
	if err != nil {
		panic("hwsign: hkdf: " + err.Error())
	}
	return hex.EncodeToString(key)
}
