import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

/**
 * PowerShell's grammar (tree-sitter-powershell, its WebAssembly build) in web-tree-sitter: no
 * PowerShell runs on this machine, but each script's syntax and shape can be read.
 */
export async function powershellParser(): Promise<Parser> {
  await Parser.init();
  const language = await Language.load(
    require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export function parse(parser: Parser, source: string): Tree {
  const tree = parser.parse(source);
  if (!tree) throw new Error('the parser returned no tree');
  return tree;
}

/** Every ERROR or MISSING node: where, and the text it covers. */
export function syntaxProblems(tree: Tree): string[] {
  const problems: string[] = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      const at = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      const what = node.isMissing ? `missing ${node.type}` : 'error';
      problems.push(`${at} ${what}: ${node.text.slice(0, 60)}`);
      return;
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
  return problems;
}

/** The source with every comment blanked out (the help text is not code). */
export function codeOnly(tree: Tree): string {
  let text = tree.rootNode.text;
  for (const comment of tree.rootNode.descendantsOfType('comment')) {
    if (!comment) continue;
    const blank = comment.text.replace(/[^\n]/g, ' ');
    text = text.slice(0, comment.startIndex) + blank + text.slice(comment.endIndex);
  }
  return text;
}

/** The script's own parameters (its top param block), without the $. */
export function scriptParameters(tree: Tree): string[] {
  const block = tree.rootNode.children.find((c) => c.type === 'param_block');
  if (!block) return [];
  return block
    .descendantsOfType('script_parameter')
    .flatMap((p) => (p ? p.children.filter((c) => c.type === 'variable') : []))
    .map((v) => v.text.replace(/^\$/, ''));
}

/** The functions the script defines. */
export function functionNames(tree: Tree): string[] {
  return tree.rootNode
    .descendantsOfType('function_statement')
    .map((f) => f?.children.find((c) => c.type === 'function_name')?.text ?? '');
}

/** Each call of a command by name: its named arguments (-Name value), values as written. */
export function commandCalls(tree: Tree, name: string): Record<string, string>[] {
  const calls: Record<string, string>[] = [];
  for (const command of tree.rootNode.descendantsOfType('command')) {
    if (!command) continue;
    const commandName = command.children.find((c) => c.type === 'command_name');
    if (commandName?.text.toLowerCase() !== name.toLowerCase()) continue;
    const elements = command.children.find((c) => c.type === 'command_elements');
    const parts = (elements?.children ?? []).filter((c) => c.type !== 'command_argument_sep');
    const call: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part?.type !== 'command_parameter') continue;
      const next = parts[i + 1];
      const value = next && next.type !== 'command_parameter' ? next.text : '';
      call[part.text.replace(/^-/, '')] = value;
    }
    calls.push(call);
  }
  return calls;
}

/**
 * The keys of the first [ordered]@{...} assigned to $variable, then those added later with
 * $variable['key'] = ..., in the order the script writes them.
 */
export function orderedKeys(tree: Tree, variable: string): string[] {
  const keys: string[] = [];
  for (const assignment of tree.rootNode.descendantsOfType('assignment_expression')) {
    if (!assignment) continue;
    const left = assignment.children.find((c) => c.type === 'left_assignment_expression');
    if (!left) continue;
    const target = left.text.trim();
    if (target.toLowerCase() === `$${variable}`.toLowerCase() && keys.length === 0) {
      const hash = assignment.descendantsOfType('hash_literal_expression')[0];
      for (const key of hash?.descendantsOfType('key_expression') ?? []) {
        // Only this hash's own entries, not those of a hash nested in a value.
        if (key?.parent?.parent?.parent?.id === hash?.id) keys.push(key.text);
      }
    }
    const added = new RegExp(`^\\$${variable}\\['([A-Za-z]+)'\\]$`, 'i').exec(target);
    if (added?.[1]) keys.push(added[1]);
  }
  return keys;
}
