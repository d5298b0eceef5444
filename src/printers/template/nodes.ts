// The parse tree of Go's text/template (parse/node.go) and each node's String(), which Go's
// error messages quote.

import { goQuote } from '../goquote.js';

export interface NumberInfo {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  text: string;
}

export type Node =
  | { type: 'list'; pos: number; nodes: Node[] }
  | { type: 'text'; pos: number; text: string }
  | { type: 'pipe'; pos: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | CommandNode
  | { type: 'identifier'; pos: number; ident: string }
  | VariableNode
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'field'; pos: number; ident: string[] }
  | { type: 'chain'; pos: number; node: Node; field: string[] }
  | { type: 'bool'; pos: number; value: boolean }
  | ({ type: 'number'; pos: number } & NumberInfo)
  | { type: 'string'; pos: number; quoted: string; text: string }
  | { type: 'end'; pos: number }
  | { type: 'else'; pos: number }
  | BranchNode
  | { type: 'template'; pos: number; name: string; pipe: PipeNode | undefined }
  | { type: 'break'; pos: number }
  | { type: 'continue'; pos: number };

export interface CommandNode {
  type: 'command';
  pos: number;
  args: Node[];
}
export interface VariableNode {
  type: 'variable';
  pos: number;
  ident: string[];
}
export type PipeNode = Extract<Node, { type: 'pipe' }>;
export type ListNode = Extract<Node, { type: 'list' }>;
export interface BranchNode {
  type: 'if' | 'range' | 'with';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}

/** Node.String() */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s += n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'action':
      return '{{' + nodeString(n.pipe) + '}}';
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? '(' + nodeString(a) + ')' : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'chain':
      return (n.node.type === 'pipe' ? '(' + nodeString(n.node) + ')' : nodeString(n.node)) + n.field.map((f) => '.' + f).join('');
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if':
    case 'range':
    case 'with':
      return (
        `{{${n.type} ${nodeString(n.pipe)}}}` + nodeString(n.list) + (n.elseList ? '{{else}}' + nodeString(n.elseList) : '') + '{{end}}'
      );
    case 'template':
      return `{{template ${goQuote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
  }
}
