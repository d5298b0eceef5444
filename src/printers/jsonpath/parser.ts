// k8s.io/client-go/util/jsonpath's parser (parser.go), ported as it is: text outside {…} is
// literal; inside, fields (.a, ['a']), [n], [start:end:step], [*], unions [a,b], ..recursive
// descent, filters [?(@.x op y)], quoted literals, numbers, true/false and the identifiers
// range/end. Error messages are client-go's.

import { goUnicodeName, unquoteChar } from '../goquote.js';

export interface ParamsEntry {
  value: number;
  known: boolean;
  derived: boolean;
}

export type Node =
  | { type: 'list'; nodes: Node[] }
  | { type: 'text'; text: string }
  | { type: 'field'; value: string }
  | { type: 'identifier'; name: string }
  | { type: 'array'; params: [ParamsEntry, ParamsEntry, ParamsEntry] }
  | { type: 'filter'; left: ListNode; right: ListNode; operator: string }
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] };

export type ListNode = Extract<Node, { type: 'list' }>;

export class JsonPathParseError extends Error {
  /** where the parser stood in the template (a string index) */
  pos?: number;
}

const fail = (msg: string): never => {
  throw new JsonPathParseError(msg);
};

const isSpace = (r: string) => r === ' ' || r === '\t';
const isEndOfLine = (r: string) => r === '\r' || r === '\n';
const isAlphaNumeric = (r: string) => /^[\p{L}\p{Nd}_]$/u.test(r);
const isDigit = (r: string) => /^\p{Nd}$/u.test(r);
function isTerminator(r: string): boolean {
  return r === '' || isSpace(r) || isEndOfLine(r) || '.,[]$@{}'.includes(r);
}

const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$/;
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/;
const INT = /^[+-]?[0-9]+$/;
const FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/;

/** strconv.Atoi: undefined when s is not a decimal integer within int64 */
function atoi(s: string): bigint | undefined {
  if (!INT.test(s)) return undefined;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

/** client-go's UnquoteExtend: a "…" or '…' literal with Go's escapes */
function unquoteExtend(s: string): string {
  const n = s.length;
  if (n < 2) throw new Error('invalid syntax');
  const quote = s[0]!;
  if (quote !== s[n - 1] || (quote !== '"' && quote !== "'")) throw new Error('invalid syntax');
  const body = s.slice(1, n - 1);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  let out = '';
  for (let i = 0; i < body.length; ) {
    const [ch, next] = unquoteChar(body, i, quote);
    out += ch;
    i = next;
  }
  return out;
}

class Parser {
  root: ListNode = { type: 'list', nodes: [] };
  private input = '';
  private pos = 0;
  private start = 0;
  private width = 0;

  parse(text: string): ListNode {
    this.input = text;
    this.root = { type: 'list', nodes: [] };
    this.pos = 0;
    this.parseText(this.root);
    return this.root;
  }

  private consumeText(): string {
    const v = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return '';
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = r.length;
    this.pos += r.length;
    return r;
  }

  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  get position(): number {
    return this.pos;
  }

  private rest(): string {
    return this.input.slice(this.pos);
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.rest().startsWith('{')) {
        if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
        this.parseLeftDelim(cur);
        return;
      }
      if (this.next() === '') break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
  }

  private parseLeftDelim(cur: ListNode): void {
    this.pos += 1;
    this.consumeText();
    const node: ListNode = { type: 'list', nodes: [] };
    cur.nodes.push(node);
    this.parseInsideAction(node);
  }

  private parseInsideAction(cur: ListNode): void {
    // one loop instead of Go's tail calls
    for (;;) {
      const rest = this.rest();
      if (rest.startsWith('}')) return this.parseRightDelim();
      if (rest.startsWith('[?(')) {
        this.parseFilter(cur);
        continue;
      }
      if (rest.startsWith('..')) {
        this.parseRecursive(cur);
        continue;
      }
      const r = this.next();
      if (r === '' || isEndOfLine(r)) fail('unclosed action');
      else if (r === ' ') this.consumeText();
      else if (r === '@' || r === '$') this.consumeText();
      else if (r === '[') this.parseArray(cur);
      else if (r === '"' || r === "'") this.parseQuote(cur, r);
      else if (r === '.') this.parseField(cur);
      else if (r === '+' || r === '-' || isDigit(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else fail(`unrecognized character in action: ${goUnicodeName(r)}`);
    }
  }

  private parseRightDelim(): void {
    this.pos += 1;
    this.consumeText();
    this.parseText(this.root);
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === 'true' || value === 'false') cur.nodes.push({ type: 'bool', value: value === 'true' });
    else cur.nodes.push({ type: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes[cur.nodes.length - 1]?.type === 'recursive') fail('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r = this.peek();
    if (r === '+' || r === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !isDigit(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    const i = atoi(value);
    if (i !== undefined) cur.nodes.push({ type: 'int', value: i });
    else if (FLOAT.test(value)) cur.nodes.push({ type: 'float', value: Number(value) });
    else fail(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (c === '' || c === '\n') fail('unterminated array');
      if (c === ']') break;
    }
    let text = this.consumeText();
    text = text.slice(1, -1);
    if (text === '*') text = ':';
    const strs = text.split(',');
    if (strs.length > 1) {
      const union = strs.map((s) => parseAction('union', `[${s.replace(/^ +| +$/g, '')}]`));
      cur.nodes.push({ type: 'union', nodes: union });
      return;
    }
    const dict = DICT_KEY.exec(text);
    if (dict) {
      for (const n of parseAction('arraydict', `.${dict[1]}`).nodes) cur.nodes.push(n);
      return;
    }
    const m = SLICE.exec(text);
    if (!m) fail(`invalid array index ${text}`);
    const value = [m![1] ?? '', m![2] ?? '', m![3] ?? ''];
    const params: [ParamsEntry, ParamsEntry, ParamsEntry] = [0, 1, 2].map(() => ({ value: 0, known: false, derived: false })) as never;
    for (let i = 0; i < 3; i++) {
      if (value[i] !== '') {
        if (i > 0) value[i] = value[i]!.slice(1);
        if (i > 0 && value[i] === '') params[i].known = false;
        else {
          params[i].known = true;
          const n = atoi(value[i]!);
          if (n === undefined || n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(-Number.MAX_SAFE_INTEGER)) fail(`array index ${value[i]} is not a number`);
          params[i].value = Number(n);
        }
      } else if (i === 1) {
        params[i].known = true;
        params[i].value = params[0].value + 1;
        params[i].derived = true;
      }
    }
    cur.nodes.push({ type: 'array', params });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') fail('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')' && begin === end) break;
    }
    if (this.next() !== ']') fail('unclosed array expect ]');
    let text = this.consumeText();
    text = text.slice(0, -2);
    const m = FILTER.exec(text);
    if (!m) cur.nodes.push({ type: 'filter', left: parseAction('text', text), right: { type: 'list', nodes: [] }, operator: 'exists' });
    else cur.nodes.push({ type: 'filter', left: parseAction('left', m[1]!), right: parseAction('right', m[3]!), operator: m[2]! });
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const c = this.next();
      if (c === '' || c === '\n') fail('unterminated quoted string');
      if (c === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    let s: string;
    try {
      s = unquoteExtend(value);
    } catch (e) {
      return fail(`unquote string ${value} error ${(e as Error).message}`);
    }
    cur.nodes.push({ type: 'text', text: s });
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    while (this.advance());
    const value = this.consumeText();
    if (value === '*') cur.nodes.push({ type: 'wildcard' });
    else cur.nodes.push({ type: 'field', value: value.replaceAll('\\', '') });
  }

  private advance(): boolean {
    const r = this.next();
    if (r === '\\') this.next();
    else if (isTerminator(r)) {
      this.backup();
      return false;
    }
    return true;
  }
}

/** the nodes of one action's text (client-go's parseAction) */
function parseAction(_name: string, text: string): ListNode {
  const root = new Parser().parse(`{${text}}`);
  return root.nodes[0] as ListNode;
}

/** Parses a JSONPath template; throws JsonPathParseError with client-go's message and where it stopped. */
export function parseJsonPath(text: string): ListNode {
  const p = new Parser();
  try {
    return p.parse(text);
  } catch (e) {
    if (e instanceof JsonPathParseError) e.pos = p.position;
    throw e;
  }
}
