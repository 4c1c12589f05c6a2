// `csp-harness record`: a vendor's real traffic into a vendor folder (vendor-format.md, "Recording").
import { DEFAULT_WAIT_MS, recordOptions } from '../record/options.ts';
import { record } from '../record/record.ts';
import { flag, listOption, parseCommandArgs, stringOption } from './args.ts';
import { EXIT_OK } from './errors.ts';
import type { Io } from './io.ts';

export const RECORD_HELP = `Usage: csp-harness record --embed '<html>' --id <id> --out <dir> [options]

Loads the harness's page (the site's origin, no policy) carrying the embed, in one browser, and
lets every other host the page contacts while it loads through to the real network, recording
what they answered. Writes <dir>/traffic.har (HAR 1.2, as DevTools saves it) and <dir>/vendor.json
with the features derived from it: a vendor folder for 'csp-harness run --vendor-dir <dir>'.

  --embed <html>             the HTML the site pastes into its <body> (required)
  --id <id>                  the vendor's id, [a-z0-9-]+ (required)
  --out <dir>                the vendor folder to write (required)
  --title <text>             the vendor's title                (default: the id)
  --browser <id>             chromium | firefox | webkit       (default chromium)
  --resolve <host=ip:port>   send a host to another address, keeping its name for the Host header
                             and TLS (as curl's --resolve); repeatable. Staging servers, local stand-ins
  --upstream-ca <pem>        also trust this CA for upstream TLS (a staging server's own); repeatable.
                             Trusted anyway: node's roots, the system's, NODE_EXTRA_CA_CERTS
  --wait <ms>                keep recording this long after the page's load  (default ${DEFAULT_WAIT_MS})
  --keep-secrets             keep Authorization, Proxy-Authorization, Cookie and Set-Cookie values
                             (default: replaced by "[redacted by csp-harness]")
  --force                    overwrite an existing vendor.json / traffic.har in --out

This is the one command that reaches beyond loopback: each host let through is printed with where
it went. The browser's own background traffic (before and after the page) is refused.
Exit codes: 0 recorded, 2 bad input or a host that could not be reached (nothing is written).`;

export async function recordCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('record', argv, {
    embed: { type: 'string' },
    id: { type: 'string' },
    out: { type: 'string' },
    title: { type: 'string' },
    browser: { type: 'string' },
    resolve: { type: 'string', multiple: true },
    'upstream-ca': { type: 'string', multiple: true },
    wait: { type: 'string' },
    'keep-secrets': { type: 'boolean' },
    force: { type: 'boolean' },
  });
  if (flag(args, 'help')) {
    io.out(RECORD_HELP);
    return EXIT_OK;
  }
  const options = recordOptions({
    embed: stringOption(args, 'embed'),
    id: stringOption(args, 'id'),
    out: stringOption(args, 'out'),
    title: stringOption(args, 'title'),
    browser: stringOption(args, 'browser'),
    resolve: listOption(args, 'resolve'),
    upstreamCa: listOption(args, 'upstream-ca'),
    wait: stringOption(args, 'wait'),
    keepSecrets: flag(args, 'keep-secrets'),
    force: flag(args, 'force'),
  });
  const result = await record(options, { log: (line) => io.err(line) });
  io.out(
    `csp-harness: recorded ${result.requests} request${result.requests === 1 ? '' : 's'} and ${result.webSockets} WebSocket${result.webSockets === 1 ? '' : 's'} from ${result.hosts.join(', ')}${options.keepSecrets ? ' (secrets kept: --keep-secrets)' : ' (secrets redacted)'}\n` +
      `  ${result.harPath}\n  ${result.vendorPath} (features: ${result.features.join(', ') || 'none'})\n` +
      `Try it: csp-harness run --vendor-dir ${options.outDir} --policy "<your policy>"`,
  );
  return EXIT_OK;
}
