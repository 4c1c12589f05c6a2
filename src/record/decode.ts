// Content-encoding undone, as a HAR holds bodies; and what the browser may ask the upstream for, so
// that every body can be undone.
import zlib from 'node:zlib';

type Decoder = (body: Buffer) => Buffer;

const DECODERS: Record<string, Decoder> = {
  gzip: (b) => zlib.gunzipSync(b),
  'x-gzip': (b) => zlib.gunzipSync(b),
  // Servers send `deflate` both zlib-wrapped (the standard) and raw.
  deflate: (b) => (b[0] !== undefined && (b[0] & 0x0f) === 8 ? zlib.inflateSync(b) : zlib.inflateRawSync(b)),
  br: (b) => zlib.brotliDecompressSync(b),
  identity: (b) => b,
};
const zstd = (zlib as unknown as { zstdDecompressSync?: Decoder }).zstdDecompressSync;
if (zstd) DECODERS.zstd = (b) => zstd(b);

function codings(contentEncoding: string | undefined): string[] {
  return (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
}

/** The body with its content-encodings undone (last applied, first undone); `error` when one cannot be. */
export function decodeBody(body: Buffer, contentEncoding: string | undefined): { body: Buffer; error: string | null } {
  let decoded = body;
  if (body.length === 0) return { body, error: null };
  for (const coding of codings(contentEncoding).reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) return { body, error: `unknown content-encoding ${JSON.stringify(coding)}` };
    try {
      decoded = decoder(decoded);
    } catch (error) {
      return { body, error: `${coding} body that does not decode (${(error as Error).message})` };
    }
  }
  return { body: decoded, error: null };
}

/** The browser's Accept-Encoding without the codings this node cannot undo (zstd on node 20). */
export function acceptedEncodings(acceptEncoding: string): string {
  return acceptEncoding
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c.split(';')[0]!.trim().toLowerCase() in DECODERS)
    .join(', ');
}
