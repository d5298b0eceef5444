// Go's view of a tskubeadm PKI (test/integration/go-x509.test.ts builds this with the standard
// library only). It reads a JSON manifest naming key files, certificate/key pairs and public keys,
// and prints one JSON result per entry: private keys parsed as the API server, etcd and the kubelet
// parse them (x509.ParsePKCS1PrivateKey, which runs crypto/rsa's full consistency check, then
// Validate; x509.ParseECPrivateKey), pairs loaded with tls.X509KeyPair and verified against their
// CA for each listed extended key usage and host name, and refused for the usages they must not
// have.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

type keyEntry struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

type pairEntry struct {
	Name      string   `json:"name"`
	Cert      string   `json:"cert"`
	Key       string   `json:"key"`
	CA        string   `json:"ca"`
	Usages    []string `json:"usages"`
	NotUsages []string `json:"notUsages"`
	Hosts     []string `json:"hosts"`
}

type publicEntry struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Private string `json:"private"`
}

type manifest struct {
	Keys    []keyEntry    `json:"keys"`
	Pairs   []pairEntry   `json:"pairs"`
	Publics []publicEntry `json:"publics"`
}

type result struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Err  string `json:"err,omitempty"`
	// key type and size ("RSA-2048", "ECDSA-P-256"); for pairs, the certificate's key
	Info string `json:"info,omitempty"`
}

var usages = map[string]x509.ExtKeyUsage{
	"any":        x509.ExtKeyUsageAny,
	"serverAuth": x509.ExtKeyUsageServerAuth,
	"clientAuth": x509.ExtKeyUsageClientAuth,
}

// onePEM returns the only PEM block in a file.
func onePEM(path string) (*pem.Block, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, rest := pem.Decode(data)
	if b == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%s: data after the PEM block", path)
	}
	return b, nil
}

func describe(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA-" + k.Curve.Params().Name
	}
	return fmt.Sprintf("%T", pub)
}

func parsePrivate(path string) (crypto.Signer, error) {
	b, err := onePEM(path)
	if err != nil {
		return nil, err
	}
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, err
		}
		if err := k.Validate(); err != nil {
			return nil, err
		}
		return k, nil
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(b.Bytes)
	}
	return nil, fmt.Errorf("%s: unexpected PEM type %q", path, b.Type)
}

func parseCert(path string) (*x509.Certificate, error) {
	b, err := onePEM(path)
	if err != nil {
		return nil, err
	}
	if b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: unexpected PEM type %q", path, b.Type)
	}
	return x509.ParseCertificate(b.Bytes)
}

func checkPair(p pairEntry) (string, error) {
	certPEM, err := os.ReadFile(p.Cert)
	if err != nil {
		return "", err
	}
	keyPEM, err := os.ReadFile(p.Key)
	if err != nil {
		return "", err
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return "", fmt.Errorf("tls.X509KeyPair: %w", err)
	}
	cert, err := parseCert(p.Cert)
	if err != nil {
		return "", err
	}
	ca, err := parseCert(p.CA)
	if err != nil {
		return "", err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if len(p.Usages) == 0 {
		return "", errors.New("no usages to verify")
	}
	for _, u := range p.Usages {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{usages[u]}}); err != nil {
			return "", fmt.Errorf("verify for %s: %w", u, err)
		}
	}
	for _, u := range p.NotUsages {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{usages[u]}}); err == nil {
			return "", fmt.Errorf("verified for %s, which it must not allow", u)
		}
	}
	for _, h := range p.Hosts {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: h, KeyUsages: []x509.ExtKeyUsage{usages[p.Usages[0]]}}); err != nil {
			return "", fmt.Errorf("verify for host %s: %w", h, err)
		}
	}
	return describe(cert.PublicKey), nil
}

func checkPublic(p publicEntry) (string, error) {
	b, err := onePEM(p.Path)
	if err != nil {
		return "", err
	}
	if b.Type != "PUBLIC KEY" {
		return "", fmt.Errorf("%s: unexpected PEM type %q", p.Path, b.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return "", err
	}
	priv, err := parsePrivate(p.Private)
	if err != nil {
		return "", err
	}
	if !priv.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
		return "", errors.New("public key does not match the private key")
	}
	return describe(pub), nil
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		panic(err)
	}
	var out []result
	add := func(kind, name, info string, err error) {
		r := result{Kind: kind, Name: name, OK: err == nil, Info: info}
		if err != nil {
			r.Err = err.Error()
		}
		out = append(out, r)
	}
	for _, k := range m.Keys {
		priv, err := parsePrivate(k.Path)
		info := ""
		if err == nil {
			info = describe(priv.Public())
		}
		add("key", k.Name, info, err)
	}
	for _, p := range m.Pairs {
		info, err := checkPair(p)
		add("pair", p.Name, info, err)
	}
	for _, p := range m.Publics {
		info, err := checkPublic(p)
		add("public", p.Name, info, err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
