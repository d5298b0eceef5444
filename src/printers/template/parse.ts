// Go's text/template parser (parse/parse.go), ported as it is, with its error messages
// ("template: output:1: unexpected "}" in operand"). {{define}}, {{block}} and {{template}} are
// supported; the trees are returned by name.

import { goQuote, goUnquote, runePrefix, GoSyntaxError } from '../goquote.js';
import { Lexer, T, type Item } from './lex.js';
import { nodeString, type BranchNode, type CommandNode, type ListNode, type Node, type PipeNode, type VariableNode } from './nodes.js';
import { NumberError, parseNumber } from './number.js';

export class TemplateParseError extends Error {
  constructor(
    message: string,
    /** where the token the parser stopped at starts (a string index) */
    readonly pos: number,
  ) {
    super(message);
  }
}

/** item.String() */
function itemString(i: Item): string {
  if (i.typ === T.EOF) return 'EOF';
  if (i.typ === T.Error) return i.val;
  if (i.typ > T.Keyword) return `<${i.val}>`;
  if ([...i.val].length > 10) return goQuote(runePrefix(i.val, 10)) + '...';
  return goQuote(i.val);
}

export class Tree {
  root: ListNode | undefined;
  private lex!: Lexer;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    public name: string,
    readonly parseName: string,
    readonly text: string,
    private readonly funcs: Set<string>,
    private readonly treeSet: Map<string, Tree>,
  ) {}

  // ---- tokens ----
  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let t: Item;
    do t = this.next();
    while (t.typ === T.Space);
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  // ---- errors ----
  errorf(msg: string): never {
    this.root = undefined;
    throw new TemplateParseError(`template: ${this.parseName}:${this.token[0]?.line ?? 1}: ${msg}`, this.token[0]?.pos ?? 0);
  }
  private expect(expected: T, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== expected) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Item, context: string): never {
    if (t.typ === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(t)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(t)} in ${context}`);
  }

  // ---- parsing ----
  parse(lex: Lexer): void {
    this.lex = lex;
    this.root = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== T.EOF) {
      if (this.peek().typ === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.Define) {
          const nt = new Tree('definition', this.parseName, this.text, this.funcs, this.treeSet);
          nt.parseDefinition(this.lex);
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      this.root.nodes.push(n);
    }
    this.add();
  }

  private add(): void {
    const tree = this.treeSet.get(this.name);
    if (!tree || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${goQuote(this.name)}`);
  }

  private parseDefinition(lex: Lexer): void {
    this.lex = lex;
    const ctx = 'define clause';
    const name = this.nextNonSpace();
    if (name.typ !== T.String && name.typ !== T.RawString) this.unexpected(name, ctx);
    try {
      this.name = goUnquote(name.val);
    } catch (e) {
      this.errorf((e as Error).message);
    }
    this.expect(T.RightDelim, ctx);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${ctx}`);
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== T.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    if (t.typ === T.Text) return { type: 'text', pos: t.pos, text: t.val };
    if (t.typ === T.LeftDelim) {
      this.actionLine = t.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    return this.unexpected(t, 'input');
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case T.Block:
        return this.blockControl();
      case T.Break:
      case T.Continue: {
        const word = t.typ === T.Break ? 'break' : 'continue';
        const n = this.nextNonSpace();
        if (n.typ !== T.RightDelim) this.unexpected(n, `{{${word}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
        return { type: word, pos: t.pos };
      }
      case T.Else:
        return this.elseControl();
      case T.End:
        return { type: 'end', pos: this.expect(T.RightDelim, 'end').pos };
      case T.If:
        return this.control('if');
      case T.Range:
        return this.control('range');
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.control('with');
    }
    this.backup();
    const tok = this.peek();
    return { type: 'action', pos: tok.pos, pipe: this.pipeline('command', T.RightDelim) };
  }

  private pipeline(context: string, end: T): PipeNode {
    const tok = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: tok.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== T.Variable) break;
      this.next();
      const after = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === T.Assign || next.typ === T.Declare) {
        pipe.isAssign = next.typ === T.Assign;
        this.nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.typ === T.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (after.typ === T.Space) this.backup3(v, after);
      else this.backup2(v);
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      switch (t.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.type)) this.errorf(`non executable command in pipeline stage ${i + 2}`);
    });
  }

  private control(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        const p = this.peek().typ;
        if ((context === 'if' && p === T.If) || (context === 'with' && p === T.With)) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.control(context)] };
        } else {
          const [l, end] = this.itemList();
          elseList = l;
          if (end.type !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private elseControl(): Node {
    const p = this.peekNonSpace();
    if (p.typ === T.If || p.typ === T.With) return { type: 'else', pos: p.pos };
    return { type: 'else', pos: this.expect(T.RightDelim, 'else').pos };
  }

  private templateName(t: Item, context: string): string {
    if (t.typ !== T.String && t.typ !== T.RawString) this.unexpected(t, context);
    try {
      return goUnquote(t.val);
    } catch (e) {
      return this.errorf((e as Error).message);
    }
  }

  private blockControl(): Node {
    const ctx = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, ctx);
    const pipe = this.pipeline(ctx, T.RightDelim);
    const block = new Tree(name, this.parseName, this.text, this.funcs, this.treeSet);
    block.lex = this.lex;
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${ctx}`);
    block.add();
    return { type: 'template', pos: t.pos, name, pipe };
  }

  private templateControl(): Node {
    const ctx = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, ctx);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().typ !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(ctx, T.RightDelim);
    }
    return { type: 'template', pos: t.pos, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.typ === T.Space) continue;
      if (t.typ === T.RightDelim || t.typ === T.RightParen) this.backup();
      else if (t.typ !== T.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().typ === T.Field) {
      const fields: string[] = [];
      const pos = this.peek().pos;
      while (this.peek().typ === T.Field) fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { type: 'variable', pos, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
          break;
        default:
          node = { type: 'chain', pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): Node | undefined {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case T.Identifier:
        if (!this.funcs.has(t.val)) this.errorf(`function ${goQuote(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, ident: t.val };
      case T.Dot:
        return { type: 'dot', pos: t.pos };
      case T.Nil:
        return { type: 'nil', pos: t.pos };
      case T.Variable: {
        const v = newVariable(t.pos, t.val);
        if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${goQuote(v.ident[0]!)}`);
        return v;
      }
      case T.Field:
        return { type: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case T.Bool:
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        try {
          return { type: 'number', pos: t.pos, ...parseNumber(t.val, t.typ === T.CharConstant) };
        } catch (e) {
          if (e instanceof NumberError || e instanceof GoSyntaxError) this.errorf(e.message);
          throw e;
        }
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        try {
          return { type: 'string', pos: t.pos, quoted: t.val, text: goUnquote(t.val) };
        } catch (e) {
          return this.errorf((e as Error).message);
        }
    }
    this.backup();
    return undefined;
  }
}

function newVariable(pos: number, ident: string): VariableNode {
  return { type: 'variable', pos, ident: ident.split('.') };
}

function isEmptyTree(n: Node | undefined): boolean {
  if (!n) return true;
  if (n.type === 'list') return n.nodes.every(isEmptyTree);
  if (n.type === 'text') return n.text.trim() === '';
  return false;
}

/** Parses a template named `name`; every tree it defines, by name. */
export function parseTemplate(name: string, text: string, funcs: Set<string>): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new Tree(name, name, text, funcs, treeSet);
  const lex = new Lexer(text);
  lex.breakOK = !funcs.has('break');
  lex.continueOK = !funcs.has('continue');
  t.parse(lex);
  return treeSet;
}
