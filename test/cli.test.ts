import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { captureIo } from '../src/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'csph-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const analytics = JSON.stringify({
  policies: [{ name: 'Basic Analytics', type: 'analytics', 'script-src': { hosts: [{ host: 'https://stats.example.com' }], expressions: [{ type: 'KEYWORD', value: 'SELF' }] } }],
});
const good = file('good.json', analytics);
const truncated = file('truncated.json', analytics.slice(0, 60));
const badEnum = file('bad-enum.json', JSON.stringify({ policies: [{ 'img-src': { expressions: [{ type: 'WILDCARD', value: '*' }] } }] }));
const huge = file(
  'huge.json',
  JSON.stringify({ policies: [{ 'img-src': { hosts: Array.from({ length: 200 }, (_, i) => ({ host: `https://img${i}.example-cdn-host.com` })) } }] }),
);

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('bad input: exit code 2 and a message naming the place', () => {
  it.each([
    ['truncated JSON config', ['compile', '--chargebee-config', truncated], /truncated\.json:1:\d+/],
    ['an expression type outside the schema enum', ['compile', '--chargebee-config', badEnum], /\/policies\/0\/img-src\/expressions\/0\/type.*SCHEME.*KEYWORD/s],
    ['a config over 5000 minified characters', ['compile', '--chargebee-config', huge], /5000/],
    ['a config file that does not exist', ['compile', '--chargebee-config', join(dir, 'nope.json')], /nope\.json: no such file/],
    ['an unterminated quote (explain)', ['explain', '--policy', "script-src 'self", '--type', 'script', '--url', 'https://a.test/x.js'], /column 12.*never closed/s],
    ['an unterminated quote (lint)', ['lint', '--policy', "img-src 'none"], /column 9.*never closed/s],
    ["a malformed token after 'nonce-{{nonce}}' (the caret under it, the placeholder as written)", ['explain', '--policy', "script-src 'nonce-{{nonce}}' 'bad", '--type', 'script', '--url', 'https://a.test/x.js'], /column 30.*never closed.*\n\s+script-src 'nonce-\{\{nonce\}\}' 'bad\n {33}\^/s],
    ['an unknown --type', ['explain', '--policy', "img-src 'self'", '--type', 'picture', '--url', 'https://a.test/x.png'], /--type "picture" is not one of: script, style, image/],
    ['an unknown option', ['explain', '--polcy', "img-src 'self'"], /Unknown option '--polcy'/],
    ['no policy', ['lint'], /give a policy/],
    ['no URL for a URL type', ['explain', '--policy', "img-src 'self'", '--type', 'image'], /needs --url/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['a bad --initiator', ['explain', '--policy', "script-src 'self'", '--type', 'script', '--url', '/a.js', '--initiator', 'user'], /--initiator "user"/],
  ])('%s', async (_name, argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^csp-harness: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });
});

describe('explain --json', () => {
  it('answers with allowed, effectiveDirective, decidedBy and a readable explanation', async () => {
    const result = await run('explain', '--policy', "default-src 'self'; img-src 'self' https://apps.mypurecloud.com", '--type', 'image', '--url', 'data:image/png;base64,AA==', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ allowed: false, effectiveDirective: 'img-src', decidedBy: 'img-src' });
    expect(json.explanation).toMatch(/Blocked: image data:image\/png;base64,AA== is refused by img-src/);
    expect(json.fix).toMatchObject({ directive: 'img-src', add: 'data:' });
  });

  it('names the fallback that decided', async () => {
    const result = await run('explain', '--policy', "default-src 'self'", '--type', 'font', '--url', 'https://fonts.gstatic.com/a.woff2', '--json');
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ allowed: false, effectiveDirective: 'font-src', decidedBy: 'default-src' });
    expect(json.fix.result).toBe("font-src 'self' https://fonts.gstatic.com");
  });

  it('computes hashes of --content', async () => {
    const result = await run('explain', '--policy', "script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='", '--type', 'inline-script', '--content', 'alert(1)', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ allowed: true, decidedBy: 'script-src' });
  });

  it.each<[string, string[], boolean, RegExp]>([
    ["'nonce-{{nonce}}' without --nonce: the element does not carry it", ['--type', 'script', '--url', 'https://app-cdn.velaro.com/embed.js'], false, /without --nonce the element does not carry it/],
    ["'nonce-{{nonce}}' with --nonce: the element carries the response's nonce", ['--type', 'script', '--url', 'https://app-cdn.velaro.com/embed.js', '--nonce', 'abc123XYZ'], true, /here abc123XYZ/],
    ['{{inline-hashes}} with --content: the hash of that text', ['--type', 'inline-script', '--content', 'window.x=1;'], true, /^$/],
    ['{{inline-hashes}} without --content: empty', ['--type', 'inline-script'], false, /without --content it is empty/],
  ])("fills run's placeholders: %s", async (_name, request, allowed, note) => {
    const policy = request.includes('inline-script') ? "script-src 'self' {{inline-hashes}}" : "script-src 'nonce-{{nonce}}' 'strict-dynamic'";
    const result = await run('explain', '--policy', policy, ...request, '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.allowed).toBe(allowed);
    expect(result.stdout).not.toMatch(/n0nceN0nc/);
    expect(result.stderr.split('\n').filter((l) => l.includes('{{')).join('\n')).toMatch(note);
  });

  it('runs a malformed policy with --lenient as browsers would', async () => {
    const result = await run('explain', '--lenient', '--policy', 'connect-src https://.velaro.com', '--type', 'connect', '--url', 'https://api.velaro.com/x', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ allowed: false, decidedBy: 'connect-src' });
  });
});

describe('compile and lint', () => {
  it("lints a copied policy's 'nonce-{{nonce}}' as a per-response nonce, not as a malformed one", async () => {
    const result = await run('lint', '--json', '--policy', "script-src 'nonce-{{nonce}}' 'strict-dynamic'; object-src 'none'; base-uri 'none'");
    expect(result.code, result.stderr).toBe(0);
    const findings = JSON.parse(result.stdout).findings as { message: string }[];
    expect(findings.some((f) => /nonce/i.test(f.message) && /malformed|not a nonce/i.test(f.message))).toBe(false);
    expect(result.stdout).not.toMatch(/n0nceN0nc/);
  });

  it('compiles a config to its header', async () => {
    const result = await run('compile', '--chargebee-config', good);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("script-src 'self' https://stats.example.com");
  });

  it('lint exits 1 on an error finding and 0 without', async () => {
    expect((await run('lint', '--policy', "script-src 'sha256-AAAA'")).code).toBe(1);
    expect((await run('lint', '--policy', "default-src 'none'; img-src 'self'", '--json')).code).toBe(0);
  });
});

describe('as a process', () => {
  const exec = promisify(execFile);
  it('prints no stack trace on bad input and exits 2', async () => {
    const error = await exec(process.execPath, ['bin/csp-harness.js', 'explain', '--policy', "script-src 'self", '--type', 'script', '--url', 'https://a.test/a.js']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toMatch(/^csp-harness: the policy is malformed/);
    expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });
});
