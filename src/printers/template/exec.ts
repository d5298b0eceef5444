// Go's text/template executor (exec.go), ported as it is for the values of govalue.ts: fields of
// maps, variables, pipelines, if/else if/with/range (slices, maps in key order, integers;
// break/continue), {{template}}, missingkey=default|error, and Go's error messages
// ("template: output:1:7: executing "output" at <.a.b>: map has no entry for key "a"").

import { sprint } from '../gofmt.js';
import { goQuote } from '../goquote.js';
import { GoInt, Iface, intValue, sortedKeys, toAny, typeName, unwrap, type Concrete, type GoValue } from '../govalue.js';
import { FuncError, findFunction, isTrue, type Fn, type Param } from './funcs.js';
import { nodeString, type BranchNode, type Node, type PipeNode, type VariableNode } from './nodes.js';
import type { Tree } from './parse.js';

/** reflect's missing final argument of a pipeline stage */
const MISSING = Symbol('missing');
type Val = GoValue | typeof MISSING;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MAX_EXEC_DEPTH = 100000;

export class TemplateExecError extends Error {}

export interface ExecOptions {
  trees: Map<string, Tree>;
  funcs: Map<string, Fn>;
  missingKeyError: boolean;
}

class State {
  node: Node | undefined;
  vars: { name: string; value: GoValue }[];
  out = '';

  constructor(
    private readonly o: ExecOptions,
    private tmpl: Tree,
    dot: GoValue,
    private depth = 0,
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  errorf(msg: string): never {
    const name = this.tmpl.name;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const text = this.tmpl.text;
    const pos = this.node.pos;
    const before = text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = Buffer.byteLength(before.slice(nl + 1));
    const line = 1 + before.split('\n').length - 1;
    const where = `${this.tmpl.parseName}:${line}:${col}`;
    throw new TemplateExecError(`template: ${where}: executing ${goQuote(name)} at <${nodeString(this.node)}>: ${msg}`);
  }

  private at(n: Node): void {
    this.node = n;
  }

  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.errorf(`undefined variable: ${name}`);
  }

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.out += node.text;
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const [truth] = isTrue(unwrap(val));
      if (truth) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.at(r);
    const outer = this.vars.length;
    try {
      const val = unwrap(this.evalPipeline(dot, r.pipe));
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      const one = (index: GoValue, elem: GoValue) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1]!.value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.vars[this.vars.length - 2]!.value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark;
        }
      };
      let ran = false;
      if (typeof val === 'bigint' || val instanceof GoInt) {
        if (decl.length > 1) this.errorf(`can't use ${sprint([val])} to iterate over more than one variable`);
        const n = intValue(val);
        for (let i = 0n; i < n; i++) {
          ran = true;
          one(undefined, typeof val === 'bigint' ? i : new GoInt(i, val.type));
        }
      } else if (Array.isArray(val)) {
        val.forEach((e, i) => one(new GoInt(BigInt(i)), new Iface(e)));
        ran = val.length > 0;
      } else if (val instanceof Map) {
        for (const k of sortedKeys(val)) one(k, new Iface(val.get(k)!));
        ran = val.size > 0;
      } else if (val !== undefined) this.errorf(`range can't iterate over ${sprint([val])}`);
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.vars.length = outer;
    }
  }

  private walkTemplate(dot: GoValue, t: Extract<Node, { type: 'template' }>): void {
    this.at(t);
    const tmpl = this.o.trees.get(t.name);
    if (!tmpl || !tmpl.root) return this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const s = new State(this.o, tmpl, newDot, this.depth + 1);
    try {
      s.walk(newDot, tmpl.root);
    } finally {
      this.out += s.out;
    }
  }

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Val = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value instanceof Iface) value = value.v ?? undefined;
    }
    const v = value as GoValue;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, v);
      else this.vars.push({ name: variable.ident[0]!, value: v });
    }
    return v;
  }

  private notAFunction(args: Node[], final: Val): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: GoValue, cmd: Extract<Node, { type: 'command' }>, final: Val): GoValue {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    return this.errorf(`can't evaluate command ${goQuote(nodeString(first))}`);
  }

  private idealConstant(c: Extract<Node, { type: 'number' }>): GoValue {
    this.at(c);
    const hexInt = /^0[xX]/.test(c.text) && !/[pP]/.test(c.text);
    const runeInt = c.text.startsWith("'");
    if (c.isFloat && !hexInt && !runeInt && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return new GoInt(c.int64);
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalChainNode(dot: GoValue, chain: Extract<Node, { type: 'chain' }>, args: Node[] | undefined, final: Val): GoValue {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: Node[] | undefined, final: Val): GoValue {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, node: Node, ident: string[], args: Node[] | undefined, final: Val): GoValue {
    if (node.type === 'field') this.at(node);
    for (let i = 0; i < ident.length - 1; i++) receiver = this.evalField(ident[i]!, undefined, MISSING, receiver);
    return this.evalField(ident[ident.length - 1]!, args, final, receiver);
  }

  private evalField(name: string, args: Node[] | undefined, final: Val, receiver: GoValue): GoValue {
    if (receiver === undefined) {
      if (this.o.missingKeyError) this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    const typ = typeName(receiver);
    const inner = receiver instanceof Iface ? receiver.v : receiver;
    if (inner === null) this.errorf(`nil pointer evaluating ${typ}.${name}`);
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (inner instanceof Map) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (inner.has(name)) return new Iface(inner.get(name)!);
      if (this.o.missingKeyError) this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    return this.errorf(`can't evaluate field ${name} in type ${typ}`);
  }

  private evalFunction(dot: GoValue, node: Extract<Node, { type: 'identifier' }>, cmd: Node, args: Node[] | undefined, final: Val): GoValue {
    this.at(node);
    const fn = findFunction(node.ident, this.o.funcs);
    if (!fn) return this.errorf(`${goQuote(node.ident)} is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.ident, args, final);
  }

  private evalCall(dot: GoValue, fn: Fn, node: Node, name: string, allArgs: Node[] | undefined, final: Val): GoValue {
    const args = allArgs ? allArgs.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const nParams = fn.params.length + (fn.variadic ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    if (fn.builtin && (name === 'and' || name === 'or')) {
      let v: GoValue = undefined;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(unwrap(v))[0] === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    if (final !== MISSING) {
      let t: Param;
      if (fn.variadic) t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      else t = fn.params[fn.params.length - 1]!;
      argv.push(this.validateType(final, t));
    }
    if (fn.builtin && name === 'call') {
      // Go hands call the name of what it calls: its argument's text, or a piped value's string form
      const f = final !== MISSING && args.length === 0 ? final : undefined;
      argv.unshift(args.length > 0 ? nodeString(args[0]!) : typeof f === 'string' ? f : `<${typeName(unwrap(f))} Value>`);
    }
    try {
      return fn.call(argv.map((a, j) => ((j < fn.params.length ? fn.params[j] : fn.variadic) === 'any' ? toAny(a as GoValue) : a)));
    } catch (e) {
      if (!(e instanceof FuncError)) throw e;
      this.at(node);
      return this.errorf(`error calling ${name}: ${e.message}`);
    }
  }

  private validateType(value: Val, typ: Param): GoValue {
    const v = value === MISSING ? undefined : value;
    if (v === undefined) {
      if (typ === 'string') this.errorf('invalid value; expected string');
      return typ === 'any' ? new Iface(null) : undefined;
    }
    if (typ !== 'string' || typeof v === 'string') return v;
    if (v instanceof Iface && v.v !== null) {
      if (typeof v.v === 'string') return v.v;
      return this.errorf(`wrong type for value; expected string; got ${typeName(v.v)}`);
    }
    return this.errorf(`wrong type for value; expected string; got ${typeName(v)}`);
  }

  private evalArg(dot: GoValue, typ: Param, n: Node): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ !== 'string') return typ === 'any' ? new Iface(null) : undefined;
        return this.errorf('cannot assign nil to string');
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), typ);
    }
    if (typ === 'string') {
      if (n.type === 'string') return n.text;
      return this.errorf(`expected string; found ${nodeString(n)}`);
    }
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    return this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(n: Node, v: GoValue): void {
    this.at(n);
    this.out += v === undefined ? '<no value>' : sprint([toAny(v)]);
  }
}

/** Executes the template named `name` on data; returns what it wrote, and the error if it failed. */
export function execute(o: ExecOptions, name: string, data: Concrete | null): { out: string; error?: Error } {
  const tree = o.trees.get(name)!;
  const s = new State(o, tree, data === null ? undefined : data);
  try {
    if (!tree.root) s.errorf(`${goQuote(name)} is an incomplete or empty template`);
    s.walk(data === null ? undefined : data, tree.root!);
    return { out: s.out };
  } catch (e) {
    if (e instanceof TemplateExecError) return { out: s.out, error: e };
    throw e;
  }
}
