// The bad-input corpus (issue [6]): malformed policies, JSON configs, scenario files and flags.
// Each must end with exit code 2 and one `csp-harness:` message naming the place — no stack trace.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { captureIo } from '../src/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'csph-corpus-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const scenario = (patch: Record<string, unknown>) =>
  JSON.stringify(
    {
      id: 'genesys-icons',
      title: 'Genesys icons',
      vendor: 'genesys',
      features: ['icons'],
      policies: [{ value: "img-src 'self'", delivery: 'header' }],
      expect: { default: 'pass' },
      ...patch,
    },
    null,
    2,
  );
const cbPolicy = (directive: Record<string, unknown>) => JSON.stringify({ policies: [{ name: 'x', type: 'analytics', ...directive }] });
const ok = "default-src 'self'";

const POLICIES: [string, string, RegExp][] = [
  ['unterminated quote', "script-src 'self", /never closed/],
  ['empty host label (the Velaro seed)', 'connect-src https://.velaro.com', /\.velaro\.com/],
  ['empty port', 'img-src https://a.test:', /invalid port/],
  ['port not a number', 'img-src https://a.test:http', /port/i],
  ['unknown keyword', "script-src 'unsafe-everything'", /unsafe-everything/],
  ['nonce without value', "script-src 'nonce-'", /nonce/i],
  ['hash with a bad algorithm', "script-src 'sha1-AAAA'", /sha1/],
  ['scheme with a bad character', 'img-src ht_tp:', /ht_tp/],
  ['wildcard in the middle of a host', 'img-src https://cdn.*.example.com', /\*/],
  ['empty policy', '   ', /empty/],
];

const CONFIGS: [string, string, RegExp][] = [
  ['truncated', cbPolicy({}).slice(0, 25), /:1:\d+/],
  ['not an object', '[1,2]', /must be object|object/],
  ['no policies key', '{"policy": []}', /policies/],
  ['bad expression type', cbPolicy({ 'img-src': { expressions: [{ type: 'WILDCARD', value: '*' }] } }), /\/policies\/0\/img-src\/expressions\/0\/type/],
  ['bad keyword value', cbPolicy({ 'script-src': { expressions: [{ type: 'KEYWORD', value: 'UNSAFE_EVERYTHING' }] } }), /UNSAFE_EVERYTHING|value/],
  ['unknown directive', cbPolicy({ 'img-srcs': { hosts: [{ host: 'https://a.test' }] } }), /img-srcs/],
  ['host not a string', cbPolicy({ 'img-src': { hosts: [{ host: 42 }] } }), /\/policies\/0\/img-src\/hosts\/0\/host/],
  ['over 5000 characters', cbPolicy({ 'img-src': { hosts: Array.from({ length: 200 }, (_, i) => ({ host: `https://img${i}.example-cdn-host.com` })) } }), /5000/],
];

const SCENARIOS: [string, string, RegExp][] = [
  ['truncated JSON', scenario({}).slice(0, 40), /s\.json:\d+:\d+/],
  ['unknown key', scenario({ colour: 'red' }), /\/colour: unknown key/],
  ['unknown vendor', scenario({ vendor: 'intercom' }), /\/vendor: unknown vendor "intercom"/],
  ['unknown feature', scenario({ features: ['sparkles'] }), /\/features\/0: unknown feature "sparkles"/],
  ['bad param value', scenario({ params: { region: 'mars-1' } }), /\/params\/region/],
  ['bad expected status', scenario({ expect: { default: 'maybe' } }), /\/expect\/default/],
  ['malformed policy inside', scenario({ policies: [{ value: "img-src 'self" }] }), /s\.json: \/policies\/0\/value.*never closed/s],
  ['policy and config both', scenario({ chargebeeConfig: 'x.json' }), /exactly one of/],
  ['bad delivery', scenario({ policies: [{ value: ok, delivery: 'carrier-pigeon' }] }), /\/policies\/0\/delivery/],
];

const FLAGS: [string, string[], RegExp][] = [
  ['unknown vendor', ['run', '--policy', ok, '--vendor', 'intercom'], /unknown vendor "intercom".*known: /],
  ['unknown feature', ['run', '--policy', ok, '--vendor', 'genesys', '--feature', 'sparkles'], /unknown feature "sparkles"/],
  ['unknown browser', ['run', '--policy', ok, '--browser', 'safari'], /--browser "safari" is not one of: chromium, firefox, webkit/],
  ['unknown reporter', ['run', '--policy', ok, '--reporter', 'pdf'], /--reporter "pdf" is not one of/],
  ['bad delivery', ['run', '--policy', ok, '--delivery', 'email'], /--delivery "email"/],
  ['param without =', ['run', '--policy', ok, '--param', 'region'], /--param expects key=value/],
  ['param no vendor has', ['run', '--policy', ok, '--param', 'colour=red'], /has a parameter "colour"/],
  ['param value no vendor accepts', ['run', '--policy', ok, '--vendor', 'genesys', '--param', 'region=mars-1'], /genesys accepts region=/],
  ['concurrency zero', ['run', '--policy', ok, '--concurrency', '0'], /--concurrency expects a whole number/],
  ['timeout not a number', ['run', '--policy', ok, '--timeout', 'soon'], /--timeout expects a whole number/],
  ['bad shard', ['run', '--policy', ok, '--shard', '4/3'], /--shard expects i\/n/],
  ['unknown screenshots choice', ['run', '--policy', ok, '--screenshots', 'sometimes'], /--screenshots "sometimes" is not one of: failing, all/],
  ['config screenshots of the wrong type', ['run', '--config', file('shots.config.json', '{"screenshots": true}')], /"screenshots" must be a string/],
  ['missing baseline', ['run', '--policy', ok, '--baseline', join(dir, 'nope.json')], /cannot read --baseline/],
  ['baseline that is not a report', ['run', '--policy', ok, '--baseline', file('notreport.json', '{"cells": 3}')], /is not a report\.json/],
  ['update-baseline without a path', ['run', '--policy', ok, '--update-baseline'], /--update-baseline needs --baseline/],
  ['unknown option', ['run', '--polcy', ok], /Unknown option '--polcy'/],
  // run --site: the site not running is exit 2 before any browser starts, naming the URL and what to do.
  ['site not running', ['run', '--site', 'http://127.0.0.1:9'], /the site http:\/\/127\.0\.0\.1:9 cannot be reached \(.*ECONNREFUSED.*\)\. Start your server first/],
  ['site name that does not resolve', ['run', '--site', 'http://no-such-host.invalid:3000'], /the site http:\/\/no-such-host\.invalid:3000 cannot be reached \(.*ENOTFOUND/],
  ['site that is not http', ['run', '--site', 'ftp://example.test'], /--site expects the http\(s\) URL of your running server/],
  ['page without site', ['run', '--page', '/x'], /--page and --crawl go with --site/],
  ['page that is not a path', ['run', '--site', 'http://127.0.0.1:9', '--page', 'checkout'], /--page expects a path on the site starting with \//],
  ['crawl zero', ['run', '--site', 'http://127.0.0.1:9', '--crawl', '0'], /--crawl expects a whole number of pages from 1 up; got "0"/],
  ['site with scenario files', ['run', 'scenarios', '--site', 'http://127.0.0.1:9'], /with --site the pages are your site's/],
  ['scenario path missing', ['run', join(dir, 'no-such-dir')], /no such file or directory/],
  ['config with a bad key', ['run', '--config', file('bad.config.json', '{"vendor": ["genesys"]}')], /unknown key "vendor"/],
  ['config that is not JSON', ['run', '--config', file('broken.config.json', '{')], /not valid JSON/],
  ['policy file missing', ['run', '--policy-file', join(dir, 'nope.txt')], /cannot read --policy-file/],
  ['merge of a non-report', ['merge', file('m.json', '[]')], /is not a report\.json/],
  ['merge without files', ['merge'], /give the report\.json files/],
  // run --fix answers "which policy passes everywhere": with --site, a baseline or a shard it is refused.
  ['fix with site', ['run', '--site', 'http://127.0.0.1:9', '--fix'], /--fix works on the vendor matrix, not on --site yet/],
  ['fix with baseline', ['run', '--policy', ok, '--fix', '--baseline', join(dir, 'nope.json')], /--fix and --baseline do not go together/],
  ['fix with shard', ['run', '--policy', ok, '--fix', '--shard', '1/2'], /--fix needs the whole matrix/],
  // Remote engines (issue [12]): a wrong engine, scheme or address, or an endpoint that does not answer, before any browser starts.
  ['connect to an unknown engine', ['run', '--policy', ok, '--connect', 'safari=ws://127.0.0.1:1'], /run: --connect "safari=ws:\/\/127\.0\.0\.1:1": unknown engine "safari"; --connect takes chromium or firefox/],
  ['connect to webkit', ['run', '--policy', ok, '--connect', 'webkit=ws://127.0.0.1:1'], /WebKit is driven through WebDriver here.*Give --webdriver webkit=http:\/\/host:port instead/],
  ['connect to an http address', ['run', '--policy', ok, '--connect', 'chromium=http://127.0.0.1:1'], /--connect needs a ws:\/\/ or wss:\/\/ address with a host/],
  ['connect without an engine', ['run', '--policy', ok, '--connect', 'ws://127.0.0.1:1'], /--connect expects engine=address \(e\.g\. --connect chromium=ws:/],
  ['connect to a server that is not running', ['run', '--policy', ok, '--browser', 'chromium', '--connect', 'chromium=ws://127.0.0.1:9/x'], /run: --connect chromium=ws:\/\/127\.0\.0\.1:9\/…: the Playwright browser server does not answer \(.*ECONNREFUSED.*\); start it first/],
  ['webdriver for chromium', ['run', '--policy', ok, '--webdriver', 'chromium=http://127.0.0.1:1'], /--webdriver drives WebKit only.*Give --connect chromium=ws:/],
  ['webdriver to a ws address', ['run', '--policy', ok, '--webdriver', 'webkit=ws://127.0.0.1:1'], /--webdriver needs a http:\/\/ or https:\/\/ address/],
  ['webdriver to a driver that is not running', ['run', '--policy', ok, '--browser', 'webkit', '--webdriver', 'webkit=http://127.0.0.1:47'], /run: --webdriver webkit=http:\/\/127\.0\.0\.1:47: the WebDriver endpoint does not answer \(.*ECONNREFUSED.*\); start it first/],
  ['config connect that is not an object', ['run', '--config', file('connect.config.json', '{"connect": "ws://127.0.0.1:1"}')], /"connect" must be an object of strings/],
  ['config webdriver to an unknown engine', ['run', '--policy', ok, '--config', file('webdriver.config.json', '{"webdriver": {"safari": "http://127.0.0.1:1"}}')], /webdriver\.config\.json: "webdriver": \{ "safari": "http:\/\/127\.0\.0\.1:1" \}: unknown engine "safari"/],
  ['listen on a name', ['run', '--policy', ok, '--listen', 'everywhere'], /--listen "everywhere" is not an IP address; give the address the proxy binds/],
  ['proxy host on a loopback proxy', ['run', '--policy', ok, '--proxy-host', 'ci.internal'], /--proxy-host ci\.internal names this machine .*listens on loopback .*--listen 0\.0\.0\.0/],
  // run --site takes --listen: the site not running is still exit 2 before any browser starts.
  ['listen with a site not running', ['run', '--site', 'http://127.0.0.1:9', '--listen', '0.0.0.0', '--proxy-host', '127.0.0.1'], /the site http:\/\/127\.0\.0\.1:9 cannot be reached \(.*ECONNREFUSED/],
  // suggest takes run's remote-engine flags and config keys, checked the same way before anything runs.
  ['suggest connect to a server that is not running', ['suggest', '--vendor', 'genesys', '--feature', 'icons', '--browser', 'chromium', '--connect', 'chromium=ws://127.0.0.1:9/x'], /suggest: --connect chromium=ws:\/\/127\.0\.0\.1:9\/…: the Playwright browser server does not answer \(.*ECONNREFUSED.*\); start it first/],
  ['suggest connect to webkit', ['suggest', '--vendor', 'genesys', '--connect', 'webkit=ws://127.0.0.1:1'], /suggest: --connect "webkit=ws:\/\/127\.0\.0\.1:1": WebKit is driven through WebDriver here/],
  ['suggest proxy host on a loopback proxy', ['suggest', '--vendor', 'genesys', '--proxy-host', 'ci.internal'], /suggest: --proxy-host ci\.internal names this machine .*listens on loopback/],
  ['suggest config connect to an unknown engine', ['suggest', '--vendor', 'genesys', '--config', file('suggest-connect.config.json', '{"connect": {"safari": "ws://127.0.0.1:1"}}')], /suggest: .*suggest-connect\.config\.json: "connect": \{ "safari": "ws:\/\/127\.0\.0\.1:1" \}: unknown engine "safari"/],
  ['suggest site webdriver to a driver that is not running', ['suggest', '--site', 'http://127.0.0.1:9', '--browser', 'webkit', '--webdriver', 'webkit=http://127.0.0.1:47'], /suggest: --webdriver webkit=http:\/\/127\.0\.0\.1:47: the WebDriver endpoint does not answer/],
  ['suggest site listen on a name', ['suggest', '--site', 'http://127.0.0.1:9', '--listen', 'everywhere'], /suggest: --listen "everywhere" is not an IP address/],
  // serve drives no browser: --connect/--webdriver are refused, a bad --listen is named.
  ['serve with connect', ['serve', '--policy', ok, '--vendor', 'genesys', '--connect', 'chromium=ws://127.0.0.1:9/x'], /serve: --connect drives a browser for run and suggest; serve drives none/],
  ['serve site with webdriver', ['serve', '--site', 'http://127.0.0.1:9', '--webdriver', 'webkit=http://127.0.0.1:47'], /serve: --webdriver drives a browser for run and suggest/],
  ['serve listen on a name', ['serve', '--policy', ok, '--vendor', 'genesys', '--listen', 'everywhere'], /serve: --listen "everywhere" is not an IP address/],
  ['serve with an unknown vendor', ['serve', '--policy', ok, '--vendor', 'intercom'], /unknown vendor "intercom"/],
  // suggest (issue [11]): what is not built yet, and its own flags.
  ['suggest strict style with --from', ['suggest', '--vendor', 'genesys', '--style', 'strict', '--from', "default-src 'self'"], /suggest: --style strict starts from its own base .*--from keeps your policy's style/],
  ['suggest unknown style', ['suggest', '--vendor', 'genesys', '--style', 'loose'], /--style "loose" is not one of: allowlist, strict/],
  // suggest --site: the site not running is exit 2 before any browser starts; vendor-matrix flags make no sense there.
  ['suggest site not running', ['suggest', '--site', 'http://127.0.0.1:9'], /suggest --site: the site http:\/\/127\.0\.0\.1:9 cannot be reached \(.*ECONNREFUSED.*\)\. Start your server first/],
  ['suggest site that is not http', ['suggest', '--site', 'ftp://example.test'], /suggest: --site expects the http\(s\) URL of your running server/],
  ['suggest page without site', ['suggest', '--page', '/x'], /suggest: --page and --crawl go with --site/],
  ['suggest site with a vendor', ['suggest', '--site', 'http://127.0.0.1:9', '--vendor', 'genesys'], /suggest: --vendor chooses fixture pages of the vendor matrix; with --site your pages decide/],
  ['suggest site with scenario files', ['suggest', 'scenarios', '--site', 'http://127.0.0.1:9'], /suggest: scenario files \(scenarios\) run fixture pages; with --site the pages are your site's/],
  ['suggest site with strict style', ['suggest', '--site', 'http://127.0.0.1:9', '--style', 'strict'], /suggest: --style strict is not built for --site yet/],
  ['suggest site from a malformed policy', ['suggest', '--site', 'http://127.0.0.1:9', '--from', "script-src 'self"], /--from, column 12: .*never closed/],
  ['suggest site from a missing file', ['suggest', '--site', 'http://127.0.0.1:9', '--from-file', join(dir, 'nope.txt')], /cannot read --from-file/],
  ['suggest from a malformed policy', ['suggest', '--vendor', 'genesys', '--from', "script-src 'self"], /--from, column 12: .*never closed/],
  ['suggest from a missing file', ['suggest', '--vendor', 'genesys', '--from-file', join(dir, 'nope.txt')], /cannot read --from-file/],
  ['suggest from and from-file', ['suggest', '--from', ok, '--from-file', join(dir, 'nope.txt')], /give --from or --from-file, not both/],
  ["suggest with run's --policy", ['suggest', '--policy', ok], /--policy is run's; give suggest your policy with --from/],
  ['suggest report-only', ['suggest', '--vendor', 'genesys', '--delivery', 'report-only'], /--delivery is not for suggest/],
  ['suggest unknown vendor', ['suggest', '--vendor', 'intercom'], /suggest: unknown vendor "intercom"/],
];

async function cli(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stderr: io.stderr.join('\n'), stdout: io.stdout.join('\n') };
}

function expectUsageError(result: { code: number; stderr: string }, message: RegExp) {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^csp-harness: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?/);
}

describe('bad input corpus: exit 2, the place named, no stack trace', () => {
  it('holds at least 30 cases', () => {
    expect(POLICIES.length + CONFIGS.length + SCENARIOS.length + FLAGS.length).toBeGreaterThanOrEqual(30);
  });
  it.each(POLICIES)('policy: %s', async (_n, policy, message) => {
    expectUsageError(await cli('run', '--policy', policy, '--vendor', 'genesys'), message);
  });
  it.each(CONFIGS)('Chargebee config: %s', async (name, text, message) => {
    const path = file(`cb-${name.replace(/\W+/g, '-')}.json`, text);
    expectUsageError(await cli('run', '--chargebee-config', path, '--vendor', 'chargebee'), message);
  });
  it.each(SCENARIOS)('scenario file: %s', async (name, text, message) => {
    const path = file(`scn-${name.replace(/\W+/g, '-')}/s.json`, text);
    expectUsageError(await cli('run', path), message);
  });
  it.each(FLAGS)('flags: %s', async (_n, argv, message) => {
    expectUsageError(await cli(...argv), message);
  });
});
