// k8s.io/client-go/util/jsonpath's evaluator (jsonpath.go), ported as it is, but for two things:
// every object starts from the whole template (client-go's {range} rewrites the parse tree, so the
// next object printed with the same printer starts inside the range and fails with "not in range,
// nothing to end": `token list -o jsonpath='{range ...}{end}'` fails at the second token), and
// maps are walked in sorted key order where Go's order is random (wildcards, recursive descent).

import { formatValue, sprint } from '../gofmt.js';
import { goJson } from '../gojson.js';
import { GoInt, Iface, kindOf, sortedKeys, toAny, typeName, unwrap, type Concrete, type GoValue } from '../govalue.js';
import { compare } from './compare.js';
import { JsonPathExecError } from './errors.js';
import { parseJsonPath, type ListNode, type Node } from './parser.js';


const fail = (msg: string, values: GoValue[] = []): never => {
  throw new JsonPathExecError(msg, values);
};

/** template.Indirect of client-go's forked template package: through interfaces; nil → isNil */
function indirect(v: GoValue): [GoValue, boolean] {
  if (v instanceof Iface) return v.v === null ? [v, true] : [v.v, false];
  return [v, false];
}

/** the children of a map (sorted keys), slice, or string (its bytes, as uint8) */
function children(v: GoValue): GoValue[] {
  if (v instanceof Map) return sortedKeys(v).map((k) => new Iface(v.get(k)!));
  if (Array.isArray(v)) return v.map((e) => new Iface(e));
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')].map((b) => new GoInt(BigInt(b), 'uint8'));
  return [];
}

export class JsonPath {
  private root: ListNode;
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode: Node | undefined;
  allowMissingKeys = false;
  outputJson = false;

  private readonly template: Node[];

  constructor(template: string) {
    this.root = parseJsonPath(template);
    this.template = [...this.root.nodes];
  }

  /** Execute: every result of the template for data, printed as client-go prints them */
  execute(data: Concrete | null): string {
    this.root.nodes = [...this.template];
    this.beginRange = this.inRange = this.endRange = 0;
    const full = this.findResults(data);
    return full.map((r) => this.printResults(r)).join('');
  }

  private findResults(data: Concrete | null): GoValue[][] {
    const cur: GoValue[] = [data === null ? undefined : data];
    const nodes = this.root.nodes;
    const full: GoValue[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const results = this.walk(cur, node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = node;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (results.length > 0) {
          for (const value of results) {
            this.root.nodes = nodes.slice(i + 1);
            full.push(...this.findResults(toAny(value)));
          }
        } else {
          this.root.nodes = nodes.slice(i + 1);
          this.findResults(null);
        }
        this.inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === this.lastEndNode) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private printResults(results: GoValue[]): string {
    if (this.outputJson) return goJson(results.map(toAny), '    ') + '\n';
    return results
      .map((r) => {
        const k = kindOf(unwrap(r));
        if (k === 'map' || k === 'slice') return goJson(toAny(r));
        return evalToText(r);
      })
      .join(' ');
  }

  private walk(value: GoValue[], node: Node): GoValue[] {
    switch (node.type) {
      case 'list':
        return this.evalList(value, node);
      case 'text':
        return [node.text];
      case 'field':
        return this.evalField(value, node.value);
      case 'array':
        return this.evalArray(value, node);
      case 'filter':
        return this.evalFilter(value, node);
      case 'int':
        return value.map(() => new GoInt(node.value));
      case 'float':
        return value.map(() => node.value);
      case 'bool':
        return value.map(() => node.value);
      case 'wildcard':
        return value.flatMap((v) => {
          const [x, isNil] = indirect(v);
          return isNil ? [] : children(x);
        });
      case 'recursive':
        return this.evalRecursive(value);
      case 'union':
        try {
          return node.nodes.flatMap((l) => this.evalList(value, l));
        } catch (e) {
          throw e instanceof JsonPathExecError ? new JsonPathExecError(e.message, value) : e;
        }
      case 'identifier':
        return this.evalIdentifier(value, node.name);
    }
  }

  private evalList(value: GoValue[], node: ListNode): GoValue[] {
    let cur = value;
    for (const n of node.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private evalIdentifier(input: GoValue[], name: string): GoValue[] {
    if (name === 'range') {
      this.beginRange++;
      return input;
    }
    if (name === 'end') {
      if (this.inRange > 0) this.endRange++;
      else fail('not in range, nothing to end');
      return [];
    }
    return fail(`unrecognized identifier ${name}`, input);
  }

  private evalArray(input: GoValue[], node: Extract<Node, { type: 'array' }>): GoValue[] {
    const result: GoValue[] = [];
    for (const v of input) {
      const [value, isNil] = indirect(v);
      if (isNil) continue;
      if (!Array.isArray(value)) fail(`${typeName(value)} is not array or slice`, input);
      const arr = value as (Concrete | null)[];
      const p = node.params.map((e) => ({ ...e }));
      if (!p[0]!.known) p[0]!.value = 0;
      if (p[0]!.value < 0) p[0]!.value += arr.length;
      if (!p[1]!.known) p[1]!.value = arr.length;
      if (p[1]!.value < 0 || (p[1]!.value === 0 && p[1]!.derived)) p[1]!.value += arr.length;
      const [start, end] = [p[0]!.value, p[1]!.value];
      if (end === start) return result;
      if (start >= arr.length || start < 0) fail(`array index out of bounds: index ${start}, length ${arr.length}`, input);
      if (end > arr.length || end < 0) fail(`array index out of bounds: index ${end - 1}, length ${arr.length}`, input);
      if (start > end) fail(`starting index ${start} is greater than ending index ${end}`, input);
      let step = 1;
      if (p[2]!.known) {
        if (p[2]!.value <= 0) fail('step must be > 0', input);
        step = p[2]!.value;
      }
      const slice = arr.slice(start, end);
      for (let i = 0; i < slice.length; i += step) result.push(new Iface(slice[i]!));
    }
    return result;
  }

  private evalField(input: GoValue[], name: string): GoValue[] {
    const results: GoValue[] = [];
    if (input.length === 0) return results;
    for (const v of input) {
      const [value, isNil] = indirect(v);
      if (isNil) continue;
      if (value instanceof Map && value.has(name)) results.push(new Iface(value.get(name)!));
    }
    if (results.length === 0 && !this.allowMissingKeys) fail(`${name} is not found`);
    return results;
  }

  private evalRecursive(input: GoValue[]): GoValue[] {
    const result: GoValue[] = [];
    for (const v of input) {
      const [value, isNil] = indirect(v);
      if (isNil) continue;
      const kids = children(value);
      if (kids.length !== 0) {
        result.push(value);
        result.push(...this.evalRecursive(kids));
      }
    }
    return result;
  }

  /** a failing step whose error client-go returns with the filter's input */
  private orInput(input: GoValue[], f: () => GoValue[]): GoValue[] {
    try {
      return f();
    } catch (e) {
      throw e instanceof JsonPathExecError ? new JsonPathExecError(e.message, input) : e;
    }
  }

  private evalFilter(input: GoValue[], node: Extract<Node, { type: 'filter' }>): GoValue[] {
    const results: GoValue[] = [];
    for (const v of input) {
      const [value] = indirect(v);
      if (!Array.isArray(value)) {
        const shown = value === undefined ? '<invalid reflect.Value>' : formatValue(toAny(value));
        fail(`${shown} is not array or slice and cannot be filtered`, input);
      }
      for (const e of value as (Concrete | null)[]) {
        const temp = [new Iface(e)];
        if (node.operator === 'exists') {
          let lefts: GoValue[];
          try {
            lefts = this.evalList(temp, node.left);
          } catch (err) {
            if (!(err instanceof JsonPathExecError)) throw err;
            lefts = err.values;
          }
          if (lefts.length > 0) results.push(new Iface(e));
          continue;
        }
        const lefts = this.orInput(input, () => this.evalList(temp, node.left));
        if (lefts.length === 0) continue;
        if (lefts.length > 1) fail('can only compare one element at a time', input);
        const rights = this.orInput(input, () => this.evalList(temp, node.right));
        if (rights.length === 0) continue;
        if (rights.length > 1) fail('can only compare one element at a time', input);
        if (compare(node.operator, toAny(lefts[0]), toAny(rights[0]))) results.push(new Iface(e));
      }
    }
    return results;
  }
}

/** client-go's evalToText: fmt.Fprint of the value, "null" for nil */
function evalToText(v: GoValue): string {
  if (v === undefined) return '<no value>';
  const x = toAny(v);
  return x === null ? 'null' : sprint([x]);
}
