// A certificate authority generated for each run; its key lives in a private temp dir removed at close.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCACertificate } from 'mockttp';

export interface RunCa {
  key: string;
  cert: string;
  keyPath: string;
  certPath: string;
  dir: string;
  remove(): void;
}

export async function createRunCa(): Promise<RunCa> {
  const { key, cert } = await generateCACertificate({ subject: { commonName: 'csp-harness test CA (this run only)' }, bits: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'csp-harness-ca-'));
  chmodSync(dir, 0o700);
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.pem');
  writeFileSync(keyPath, key, { mode: 0o600 });
  writeFileSync(certPath, cert, { mode: 0o600 });
  return { key, cert, keyPath, certPath, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
