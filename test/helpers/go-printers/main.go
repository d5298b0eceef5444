// A test oracle built against the pinned k8s.io/cli-runtime module from the lab's Go module cache:
// kubeadm's printer selection (cmd/kubeadm/app/util/output: text is the command's own, then
// JSONYamlPrintFlags, then KubeTemplatePrintFlags with no --template flag) applied to a typed
// object whose JSON is given. Reads JSON requests line by line from stdin, answers each with one
// JSON line:
//   {"data": <the object's JSON>, "output": "-o value", "allowMissing": true, "count": n}
//   -> {"stage": "ok"|"printer"|"print", "out": <what PrintObj wrote, n times>, "err": <error text>}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
)

// object is a typed runtime.Object (not Unstructured) whose JSON is fixed, as kubeadm's output API
// objects are typed structs.
type object struct {
	raw json.RawMessage
	gvk schema.GroupVersionKind
}

func (o *object) MarshalJSON() ([]byte, error)              { return o.raw, nil }
func (o *object) GetObjectKind() schema.ObjectKind            { return o }
func (o *object) DeepCopyObject() runtime.Object              { c := *o; return &c }
func (o *object) SetGroupVersionKind(gvk schema.GroupVersionKind) { o.gvk = gvk }
func (o *object) GroupVersionKind() schema.GroupVersionKind   { return o.gvk }

type request struct {
	Data         json.RawMessage `json:"data"`
	Output       string          `json:"output"`
	AllowMissing *bool           `json:"allowMissing"`
	Count        int             `json:"count"`
}

type answer struct {
	Stage string `json:"stage"`
	Out   string `json:"out"`
	Err   string `json:"err"`
}

// toPrinter is kubeadm's PrintFlags.ToPrinter without the text printer.
func toPrinter(format string, allowMissing bool) (printers.ResourcePrinter, error) {
	jy := genericclioptions.NewJSONYamlPrintFlags()
	kt := genericclioptions.NewKubeTemplatePrintFlags()
	kt.TemplateArgument = nil
	*kt.AllowMissingKeys = allowMissing
	if p, err := jy.ToPrinter(format); !genericclioptions.IsNoCompatiblePrinterError(err) {
		return p, err
	}
	if p, err := kt.ToPrinter(format); !genericclioptions.IsNoCompatiblePrinterError(err) {
		return p, err
	}
	return nil, fmt.Errorf("no printer for %q", format)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		allow := true
		if r.AllowMissing != nil {
			allow = *r.AllowMissing
		}
		if r.Count == 0 {
			r.Count = 1
		}
		var meta struct {
			Kind       string `json:"kind"`
			APIVersion string `json:"apiVersion"`
		}
		_ = json.Unmarshal(r.Data, &meta)
		obj := &object{raw: r.Data, gvk: schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)}
		p, err := toPrinter(r.Output, allow)
		if err != nil {
			_ = enc.Encode(answer{Stage: "printer", Err: err.Error()})
			continue
		}
		var buf bytes.Buffer
		a := answer{Stage: "ok"}
		for i := 0; i < r.Count; i++ {
			if err := p.PrintObj(obj, &buf); err != nil {
				a = answer{Stage: "print", Err: err.Error()}
				break
			}
		}
		a.Out = buf.String()
		_ = enc.Encode(a)
	}
}
