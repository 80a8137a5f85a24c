package hwsign

// The string to sign and the signature written out step by step as the spec
// states them (spec/huawei-iotda.md, steps 8 and 9), so the documented
// example in vectors_test.go checks them apart from the package's own code.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

func refStringToSign(algorithm, date, info, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	h := hex.EncodeToString(sum[:])
	if info == "" {
		return algorithm + "\n" + date + "\n" + h
	}
	return algorithm + "\n" + date + "\n" + info + "\n" + h
}

func refSignature(key, sts string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}
