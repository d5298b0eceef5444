// A test oracle built against the pinned k8s.io/cluster-bootstrap module from the lab's Go module
// cache: reads JSON requests line by line from stdin and answers each with one line.
//   {"op":"sign","content":...,"id":...,"secret":...}      -> jws.ComputeDetachedSignature
//   {"op":"valid","jws":...,"content":...,"id":...,"secret":...} -> jws.DetachedTokenIsValid (true/false)
//   {"op":"cainfo","pem":...}                                -> the certificate's fields as kubeadm's
//                                                               formatCACertInfo prints them, JSON-quoted
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"

	"k8s.io/cluster-bootstrap/token/jws"
)

type request struct {
	Op      string `json:"op"`
	Content string `json:"content"`
	ID      string `json:"id"`
	Secret  string `json:"secret"`
	JWS     string `json:"jws"`
	PEM     string `json:"pem"`
}

func answer(r request) string {
	switch r.Op {
	case "sign":
		s, err := jws.ComputeDetachedSignature(r.Content, r.ID, r.Secret)
		if err != nil {
			return "ERR " + err.Error()
		}
		return s
	case "valid":
		return fmt.Sprint(jws.DetachedTokenIsValid(r.JWS, r.Content, r.ID, r.Secret))
	case "cainfo":
		block, _ := pem.Decode([]byte(r.PEM))
		if block == nil {
			return "ERR no PEM"
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "ERR " + err.Error()
		}
		sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
		out, _ := json.Marshal(fmt.Sprintf("%v|%v|%v|%v|%v|%v|%v|sha256:%s",
			cert.Subject, cert.Issuer, cert.SerialNumber, cert.NotBefore, cert.NotAfter,
			cert.SignatureAlgorithm, cert.PublicKeyAlgorithm, hex.EncodeToString(sum[:])))
		return string(out)
	}
	return "ERR unknown op"
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Println("ERR " + err.Error())
			continue
		}
		fmt.Println(answer(r))
	}
}
