// The kubeconfig fast path must give exactly what `yaml` gives, or step aside (undefined).
import { parse } from 'yaml';
import { parseSimpleYaml } from '../../src/kube/simple-yaml.js';

const KUBECTL_WRITTEN = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
    server: https://127.0.0.1:6443
  name: kind-kind
- cluster:
    insecure-skip-tls-verify: true
    server: http://127.0.0.1:35589
    proxy-url: socks5://localhost:1080
    tls-server-name: api.example.com
  name: sandbox
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
- context:
    cluster: sandbox
    namespace: team-a
    user: sandbox
  name: sandbox
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==
- name: sandbox
  user: {}
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod
      command: aws
      env:
      - name: AWS_PROFILE
        value: prod
      - name: EMPTY
        value: ""
      interactiveMode: IfAvailable
      provideClusterInfo: false
`;

const SANDBOX_WRITTEN = `apiVersion: v1
kind: Config
clusters:
  - name: sandbox
    cluster:
      server: http://127.0.0.1:35589
      insecure-skip-tls-verify: true
contexts:
  - name: sandbox
    context:
      cluster: sandbox
      user: sandbox
      namespace: default
current-context: sandbox
users:
  - name: sandbox
    user: {}
preferences: {}
`;

const SCALARS = `# a comment at the top
apiVersion: v1   # trailing comment
kind: "Config"
current-context: 'it''s mine'
users:
-   name:   spaced
    user:
      token: "a\\"b\\\\c\\u0041\\n"
      username: admin
      password: 'p#ss: word'
      n: 42
      neg: -7
      f: 1.5
      e: 2e3
      zero-lead: 0123
      t: True
      nul: ~
      nul2: null
      empty:
      dotted.key/slash: x:y
      url: https://host:443/path?q=a#frag
      hash: a#b
clusters: []
contexts:
- name: c
  context:
    extensions:
    - name: ext
      extension:
        last-update: Mon, 01 Jan 2024
`;

const CRLF = SANDBOX_WRITTEN.replace(/\n/g, '\r\n');

describe('parseSimpleYaml', () => {
  test.each([
    ['kubectl config view --flatten', KUBECTL_WRITTEN],
    ['the sandbox kubeconfig', SANDBOX_WRITTEN],
    ['scalars, quotes, comments', SCALARS],
    ['CRLF line ends', CRLF],
  ])('%s: same as yaml.parse', (_name, text) => {
    const fast = parseSimpleYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(parse(text));
  });

  test('scalar types follow the YAML 1.2 core schema', () => {
    const doc = parseSimpleYaml(SCALARS)!;
    const user = (doc.users as Array<{ user: Record<string, unknown> }>)[0]!.user;
    expect(user).toMatchObject({
      token: 'a"b\\cA\n',
      password: 'p#ss: word',
      n: 42,
      neg: -7,
      f: 1.5,
      e: 2000,
      'zero-lead': 123,
      t: true,
      nul: null,
      empty: null,
      url: 'https://host:443/path?q=a#frag',
      hash: 'a#b',
    });
    expect(doc['current-context']).toBe("it's mine");
  });

  test.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  line\n'],
    ['a folded scalar', 'a: >\n  line\n'],
    ['a flow mapping with content', 'a: {b: 1}\n'],
    ['a flow sequence with content', 'a: [1, 2]\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['several documents', '---\na: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['hex and octal numbers', 'a: 0x1F\n'],
    ['infinity', 'a: .inf\n'],
    ['a complex key', '? a\n: 1\n'],
    ['a nested sequence on one line', 'a:\n- - 1\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a top-level sequence', '- a\n- b\n'],
    ['a top-level scalar', 'hello\n'],
    ['a huge integer', 'a: 123456789012345678901234567890\n'],
    ['JSON (duplicate keys and all: left to yaml)', JSON.stringify(parse(SANDBOX_WRITTEN), null, 2)],
    ['invalid JSON', '{"a": 1,}'],
    ['a __proto__ key', '__proto__:\n  polluted: true\n'],
    ['a __proto__ key in JSON', '{"__proto__": {"polluted": true}}'],
    ['an unknown escape', 'a: "\\x41"\n'],
  ])('%s: left to the full parser', (_name, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  test('whatever it accepts, yaml.parse agrees (line-by-line mutations of real kubeconfigs)', () => {
    // Every prefix of the files is a document too (often an odd one): accepted prefixes must agree.
    for (const text of [KUBECTL_WRITTEN, SANDBOX_WRITTEN, SCALARS]) {
      const lines = text.split('\n');
      for (let n = 1; n <= lines.length; n++) {
        const doc = lines.slice(0, n).join('\n');
        const fast = parseSimpleYaml(doc);
        if (fast === undefined) continue;
        expect({ n, doc: fast }).toEqual({ n, doc: parse(doc) });
      }
    }
  });

  test('random edits: accepted documents parse the same with yaml (seeded)', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const edits = [
      (l: string) => ` ${l}`,
      (l: string) => l.replace(/^ /, ''),
      (l: string) => `${l} # c`,
      (l: string) => l.replace(': ', ':'),
      (l: string) => l.replace(/: (.*)$/, ': "$1"'),
      (l: string) => l.replace(/: (.*)$/, ": '$1'"),
      (l: string) => l.replace('- ', '-   '),
      (l: string) => l.replace(/: .*$/, ': 007'),
      (l: string) => l.replace(/: .*$/, ': -1.5e3'),
      (l: string) => l.replace(/: .*$/, ': a: b'),
      (l: string) => l.replace(/: .*$/, ': yes'),
      () => '',
    ];
    let accepted = 0;
    for (let k = 0; k < 1500; k++) {
      const base = [KUBECTL_WRITTEN, SANDBOX_WRITTEN, SCALARS][rand(3)]!.split('\n');
      for (let e = 0; e < 1 + rand(3); e++) {
        const i = rand(base.length);
        base[i] = edits[rand(edits.length)]!(base[i]!);
      }
      const doc = base.join('\n');
      const fast = parseSimpleYaml(doc);
      if (fast === undefined) continue;
      accepted++;
      expect({ doc, parsed: fast }).toEqual({ doc, parsed: parse(doc) });
    }
    expect(accepted).toBeGreaterThan(300);
  });
});
