// Adding a sixth bundled vendor touches src/vendors/<id>/, fixtures/<id>/ and scenarios/<id>/ only
// (docs/architecture.md, "Adding a bundled vendor"). A copy of the project gets exactly those three
// folders and nothing else; the CLI then lists the vendor and runs its scenarios in a real engine.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from './helpers/cli.ts';

const ROOT = join(import.meta.dirname, '..');
const COPY = mkdtempSync(join(tmpdir(), 'csph-sixth-'));

for (const entry of ['package.json', 'tsconfig.json', 'bin', 'src', 'fixtures', 'scenarios', 'harness']) cpSync(join(ROOT, entry), join(COPY, entry), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(COPY, 'node_modules'));

/** The only files the new vendor adds: its module, its stub, its scenarios. */
const ADDED: Record<string, string> = {
  'src/vendors/acme-chat/index.ts': `// Acme live chat: a vendor added as a folder, nothing else.
import { defineVendor } from '../define.ts';
import { embedParam } from '../embed.ts';

export default defineVendor({
  id: 'acme-chat',
  title: 'Acme live chat',
  seed: 'zz-acme.txt',
  params: [embedParam('external')],
  features: [{ id: 'logo', title: 'The chat logo from the CDN', directives: ['script-src', 'img-src'], seedRef: 'zz-acme.txt:1' }],
  routes: [{ kind: 'static', host: 'cdn.acme-chat.test', dir: 'cdn.acme-chat.test' }],
  documentedPolicies: [],
  embed: () => ({ loaderUrl: 'https://cdn.acme-chat.test/loader.js', snippet: 'void 0', selfFile: 'acme.js' }),
  feature: () => [{ request: 'https://cdn.acme-chat.test/logo.png', as: 'image' }],
});
`,
  'fixtures/acme-chat/cdn.acme-chat.test/loader.js': `(function () {
  var csph = (window.__csph = window.__csph || { probes: {}, events: [] });
  csph.probes.logo = { state: 'pending', detail: 'loading the logo' };
  var img = new Image();
  img.onload = function () { csph.probes.logo = { state: img.naturalWidth > 0 ? 'ok' : 'failed', detail: 'logo loaded' }; };
  img.src = 'https://cdn.acme-chat.test/logo.png';
  document.body.appendChild(img);
})();
`,
  'scenarios/acme-chat/allowed.json': JSON.stringify({
    id: 'acme-allowed',
    title: 'Acme: the CDN allowed',
    vendor: 'acme-chat',
    policies: [{ value: 'script-src https://cdn.acme-chat.test; img-src https://cdn.acme-chat.test' }],
    expect: { default: 'pass' },
  }),
  'scenarios/acme-chat/no-images.json': JSON.stringify({
    id: 'acme-no-images',
    title: 'Acme: images refused',
    vendor: 'acme-chat',
    policies: [{ value: "script-src https://cdn.acme-chat.test; img-src 'none'" }],
    expect: { features: { logo: { status: 'fail', violations: [{ effectiveDirective: 'img-src', blockedURI: 'https://cdn.acme-chat.test' }] } } },
  }),
};
for (const [path, text] of Object.entries(ADDED)) {
  mkdirSync(join(COPY, path, '..'), { recursive: true });
  writeFileSync(join(COPY, path), text);
}
copyFileSync(join(ROOT, 'fixtures/chargebee/cdn.image-host.com/logo.png'), join(COPY, 'fixtures/acme-chat/cdn.acme-chat.test/logo.png'));

/** The CLI of the copy, run inside it. */
const cli = (...args: string[]) => runBin(join(COPY, 'bin/csp-harness.js'), args, { cwd: COPY, timeoutMs: 240_000 });

describe('a sixth bundled vendor is three folders', () => {
  it('adds files under its own three folders only', () => {
    expect(Object.keys(ADDED).every((p) => /^(src\/vendors|fixtures|scenarios)\/acme-chat\//.test(p))).toBe(true);
  });

  it('is listed by csp-harness vendors, after the five seeds', async () => {
    const { code, stdout, stderr } = await cli('vendors', '--json');
    expect(code, stderr).toBe(0);
    const ids = (JSON.parse(stdout) as { vendors: { id: string }[] }).vendors.map((v) => v.id);
    expect(ids).toEqual(['provide-support', 'velaro', 'genesys', 'customerio', 'chargebee', 'acme-chat']);
  });

  it('runs its scenarios in a real engine with the expected verdicts', async () => {
    const out = join(COPY, 'out');
    const { code, stderr } = await cli('run', 'scenarios/acme-chat', '--browser', 'chromium', '--reporter', 'json', '--out', out);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { cells: { scenario: string; status: string; outcome: string }[] };
    expect(report.cells.map((c) => [c.scenario, c.status, c.outcome])).toEqual([
      ['acme-allowed', 'pass', 'expected'],
      ['acme-no-images', 'fail', 'expected'],
    ]);
  }, 240_000);

  it('is refused by --vendor in the original project, which does not have it', async () => {
    const { stderr } = await runBin(join(ROOT, 'bin/csp-harness.js'), ['vendors', '--json']);
    expect(stderr).toBe('');
    expect(readFileSync(join(ROOT, 'src/vendors/index.ts'), 'utf8')).not.toContain('acme');
  });
});
