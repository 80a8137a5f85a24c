package hwsign

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// infoDateLayout is the date part of a derived signature's info.
const infoDateLayout = "20060102"

// derivedInfo is the V11 info, yyyyMMdd/region/service, for a UTC time.
func derivedInfo(now time.Time, region, service string) string {
	return now.Format(infoDateLayout) + "/" + region + "/" + service
}

// DerivedKey is the lowercase hex of HKDF-SHA256(IKM=SK, salt=AK, info, 32
// bytes). The V11 signature is keyed with this hex text, not the raw bytes,
// as the official SDK does.
//
// hkdf.Key fails only for a length beyond 255*32 bytes, or, under
// GODEBUG=fips140=only, for an SK shorter than 112 bits; Sign and Verify
// refuse such an SK with an error before they get here.
func DerivedKey(ak, sk, info string) string {
	key, err := hkdf.Key(sha256.New, []byte(sk), []byte(ak), info, sha256.Size)
	if err != nil {
		panic("hwsign: hkdf: " + err.Error())
	}
	return hex.EncodeToString(key)
}
