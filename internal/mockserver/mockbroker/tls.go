package mockbroker

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/iotclient/iotclient-go/internal/mockserver"
)

// StartTLS is Start over TLS: the broker serves MQTT over TLS with cfg
// (which must hold a certificate) and its Addr is ssl://127.0.0.1:port.
// Tests use it to check how a client treats a broker whose certificate it
// does not trust, or that speaks only old TLS versions.
func StartTLS(s *mockserver.Server, cfg *tls.Config) (*Broker, error) {
	if cfg == nil || (len(cfg.Certificates) == 0 && cfg.GetCertificate == nil) {
		return nil, errors.New("mockbroker: StartTLS needs a tls.Config with a certificate")
	}
	return start(s, cfg)
}

// SelfSignedCert generates, in memory, a self-signed ECDSA P-256
// certificate for 127.0.0.1, ::1 and localhost, valid from an hour ago for
// a day. pool trusts it, so a client given pool as RootCAs accepts the
// broker and one without does not.
func SelfSignedCert() (cert tls.Certificate, pool *x509.CertPool, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("mockbroker: key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "iotclient mock broker"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("mockbroker: certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("mockbroker: certificate: %w", err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
