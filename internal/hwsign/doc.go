// Package hwsign implements Huawei Cloud's AK/SK request signature: the
// SDK-HMAC-SHA256 algorithm of the API gateway and the derived
// V11-HMAC-SHA256 variant that IoTDA standard and enterprise instance
// endpoints require.
//
// It lives in one internal package because two sides need the very same
// canonicalisation: the SDK signs requests with it (through auth.AKSK) and
// the in-repo mock server verifies them with it. A difference between the two
// would hide signing bugs, so there is only one implementation.
//
// The canonical request follows huaweicloud-sdk-go-v3's signer byte for byte
// (the test vectors in the package tests come from it and from Huawei's
// signing guide).
//
// The files follow the algorithm: canonical.go builds the canonical request,
// sign.go turns it into an Authorization header, derive.go holds the V11 key
// derivation and verify.go checks a received request.
package hwsign
