// Issue 7, part 3: no user input reaches a shell or a foreign URL path. Hostile rollout names and
// namespaces are usage errors (exit 2, nothing sent, no file created); kubeconfig values are used
// literally (an exec plugin's arguments arrive unexpanded); the source never spawns a shell.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../src/sandbox/server.js';
import { cleanup, execPlugin, expectOneErrorLine, kubeconfig, put, quietSandbox, seedPaused, tempDir } from '../corpus/helpers.js';
import { runBinary, runCli } from '../helpers/cli.js';

let sb: Sandbox;
let dir: string;
beforeAll(async () => {
  sb = await quietSandbox();
  seedPaused(sb, 'demo');
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  dir = tempDir('kk-hostile-');
  sb.requests.length = 0;
});
afterEach(() => cleanup(dir));

const marker = () => path.join(dir, 'pwned');
/** Names a shell would act on; each creates the marker file if it ever reaches one. */
const hostileNames = (m: string) => [
  `$(touch ${m})`,
  `\`touch ${m}\``,
  `demo; touch ${m}`,
  `demo && touch ${m}`,
  `demo | touch ${m}`,
  `; rm -rf ${m}-dir`,
  `demo\ntouch ${m}`,
  '$(touch pwned)',
  '${IFS}touch${IFS}pwned',
  '../../../etc/passwd',
  '..',
  'demo%2F..%2Fstatus',
];

describe('hostile input', () => {
  it.each(['approve', 'pause', 'resume', 'status', 'watch', 'reconcile-once'])(
    '%s: every hostile rollout name is a usage error; nothing sent, nothing created',
    async (verb) => {
      for (const name of hostileNames(marker())) {
        const r = await runCli(['rollout', verb, name, '--server', sb.url], { env: { HOME: dir, PATH: process.env.PATH } });
        expectOneErrorLine(r, 2, /^error: /);
        expect(existsSync(marker())).toBe(false);
      }
      expect(sb.requests).toEqual([]);
      expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    },
  );

  it.each([`$(touch pwned)`, 'default;touch pwned', '../..', 'default/../kube-system'])(
    '-n %j is a usage error, nothing sent',
    async (ns) => {
      const r = await runCli(['rollout', 'approve', 'demo', '-n', ns, '--server', sb.url], { env: { HOME: dir, PATH: process.env.PATH } });
      expectOneErrorLine(r, 2, /^error: invalid namespace /);
      expect(sb.requests).toEqual([]);
    },
  );

  it('through the real binary: a hostile name is rejected with one line and no stack trace', async () => {
    const r = await runBinary(['rollout', 'approve', `$(touch ${marker()})`, '--server', sb.url]);
    expectOneErrorLine(r, 2, /^error: /);
    expect(existsSync(marker())).toBe(false);
    expect(sb.requests).toEqual([]);
  });

  it('--context / --kubeconfig values are names and paths, never commands', async () => {
    const kc = put(dir, 'kc.yaml', kubeconfig({ server: sb.url }));
    const a = await runCli(['rollout', 'approve', 'demo', '--kubeconfig', kc, '--context', `$(touch ${marker()})`], {
      env: { HOME: dir, PATH: process.env.PATH },
    });
    expectOneErrorLine(a, 1, /^error: context "\$\(touch .*pwned\)" not found in kubeconfig/);
    const b = await runCli(['rollout', 'approve', 'demo', '--kubeconfig', `$(touch ${marker()})`], {
      env: { HOME: dir, PATH: process.env.PATH },
    });
    expectOneErrorLine(b, 1, /^error: kubeconfig file \$\(touch .*pwned\) does not exist/);
    expect(existsSync(marker())).toBe(false);
    expect(sb.requests).toEqual([]);
  });

  it("an exec plugin's command and arguments are passed literally (execFile, no shell)", async () => {
    const seen = path.join(dir, 'argv.json');
    const plugin = execPlugin(
      dir,
      'argv-plugin',
      `require('fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.argv.slice(2)));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'tok-literal-args-123456' } }));`,
    );
    const args = [`$(touch ${marker()})`, `; touch ${marker()}`, '$HOME', '*'];
    const kc = put(
      dir,
      'kc.yaml',
      kubeconfig({ server: sb.url, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args } } }),
    );
    const r = await runCli(['rollout', 'status', 'demo', '--kubeconfig', kc], { env: { HOME: dir, PATH: process.env.PATH } });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual(args);
    expect(existsSync(marker())).toBe(false);
  });

  it('the source never starts a shell: only execFile, never exec/execSync or shell: true', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = path.join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(src);
    const users = files.filter((f) => /['"](node:)?child_process['"]/.test(readFileSync(f, 'utf8')));
    // The guard is real: the exec plugin runner is one of the files it looks at.
    expect(users.map((f) => path.relative(src, f))).toContain(path.join('kube', 'exec-credential.ts'));
    const offenders = users.filter((f) => {
      const text = readFileSync(f, 'utf8');
      const imports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?child_process['"]/g)].flatMap((m) =>
        m[1]!.split(',').map((x) => x.trim().split(/\s+as\s+/)[0]),
      );
      const namespaceImport =
        /import\s+\*\s+as\s+\w+\s+from\s*['"](?:node:)?child_process['"]|import\s+\w+\s+from\s*['"](?:node:)?child_process['"]/.test(text);
      return namespaceImport || imports.some((n) => n !== 'execFile' && n !== 'spawn') || /shell\s*:\s*(true|['"])/.test(text);
    });
    expect(offenders.map((f) => path.relative(src, f))).toEqual([]);
  });
});
