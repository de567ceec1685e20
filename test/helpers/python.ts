/** Asking python3's own parser whether texts parse. */
import { execa } from 'execa';

const CHECK = `
import ast, json, sys
bad = {}
for name, text in json.load(sys.stdin).items():
    try:
        ast.parse(text)
    except SyntaxError as e:
        bad[name] = f"line {e.lineno}: {e.msg}"
print(json.dumps(bad))
`;

/** Names whose text python3's ast module rejects, with the reason; {} when all parse. */
export async function pythonSyntaxErrors(texts: Record<string, string>): Promise<Record<string, string>> {
  const result = await execa('python3', ['-c', CHECK], { input: JSON.stringify(texts) });
  return JSON.parse(result.stdout) as Record<string, string>;
}
