// `tskubeadm completion bash|zsh`: shell completion generated from the command tree itself,
// so phase subcommands and their flags are always complete.

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

interface Node {
  path: string;
  subcommands: string[];
  flags: string[];
}

function walk(cmd: Command, prefix: string, out: Node[], globals: string[]): void {
  const path = prefix ? `${prefix} ${cmd.name()}` : cmd.name();
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x));
  const subs = cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  out.push({ path, subcommands: subs, flags: [...new Set([...flags, ...globals, '--help'])] });
  for (const c of cmd.commands) walk(c, path, out, globals);
}

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const globals = program.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x));
  const nodes: Node[] = [];
  walk(program, '', nodes, []);
  for (const n of nodes.slice(1)) n.flags = [...new Set([...n.flags, ...globals])];
  const cases = nodes
    .map((n) => `    ${JSON.stringify(n.path)}) words="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  const body = `# tskubeadm ${shell} completion; load with: source <(tskubeadm completion ${shell})
_tskubeadm_complete() {
  local cur path i w words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path="tskubeadm"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case " $(_tskubeadm_words "$path") " in *" $w "*) path="$path $w" ;; esac
  done
  words="$(_tskubeadm_words "$path")"
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
_tskubeadm_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
`;
  if (shell === 'bash') return body + 'complete -o default -F _tskubeadm_complete tskubeadm\n';
  return `#compdef tskubeadm\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -o default -F _tskubeadm_complete tskubeadm\n`;
}

export function addCompletionCommand(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash or zsh)')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExample:\n  source <(tskubeadm completion bash)')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`unsupported shell type "${shell}": use bash or zsh`);
      ctx.streams.stdout.write(completionScript(program, shell));
    });
}
