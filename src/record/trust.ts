// Which certificate authorities an upstream's TLS certificate is checked against: Node's bundled
// roots, the system's bundle, NODE_EXTRA_CA_CERTS, and each `--upstream-ca <pem>` (a staging
// server's own CA). Never "accept anything": a recording is only as good as the server it came from.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';
import { RecordError } from './errors.ts';

/** Where Linux distributions keep the system's bundle (Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem'];

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/** The certificates of one `--upstream-ca` file; a file that holds none is the user's mistake, said so. */
export function readUpstreamCa(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RecordError('CSPH_RECORD_BAD_CA', `record: cannot read --upstream-ca ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the PEM file of the CA that signed the server's certificate.`);
  }
  const certificates = certificatesIn(text);
  if (certificates.length === 0) throw new RecordError('CSPH_RECORD_BAD_CA', `record: --upstream-ca ${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give the CA's certificate in PEM form.`);
  for (const pem of certificates) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new RecordError('CSPH_RECORD_BAD_CA', `record: --upstream-ca ${path} holds a certificate that does not parse (${(error as Error).message}).`);
    }
  }
  return certificates;
}

export interface UpstreamTrust {
  context: tls.SecureContext;
  /** What it trusts, for messages. */
  sources: string[];
}

/** The secure context every upstream connection is made with. */
export function upstreamTrust(upstreamCaPaths: readonly string[], env: NodeJS.ProcessEnv = process.env): UpstreamTrust {
  const ca = [...tls.rootCertificates];
  const sources = ["node's bundled roots"];
  const system = SYSTEM_BUNDLES.find((p) => existsSync(p));
  if (system) {
    try {
      ca.push(...certificatesIn(readFileSync(system, 'utf8')));
      sources.push(system);
    } catch {
      // unreadable: node's own roots remain
    }
  }
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      ca.push(...certificatesIn(readFileSync(extra, 'utf8')));
      sources.push(`NODE_EXTRA_CA_CERTS (${extra})`);
    } catch {
      // node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start
    }
  }
  for (const path of upstreamCaPaths) {
    ca.push(...readUpstreamCa(path));
    sources.push(`--upstream-ca ${path}`);
  }
  return { context: tls.createSecureContext({ ca }), sources };
}
