import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptedEncodings, decodeBody } from './decode.ts';

const TEXT = Buffer.from('console.log("acme");'.repeat(20));

describe('decodeBody', () => {
  it.each([
    ['gzip', zlib.gzipSync(TEXT)],
    ['GZIP', zlib.gzipSync(TEXT)],
    ['deflate', zlib.deflateSync(TEXT)],
    ['deflate', zlib.deflateRawSync(TEXT)],
    ['br', zlib.brotliCompressSync(TEXT)],
    ['identity', TEXT],
    ['', TEXT],
    [undefined, TEXT],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(TEXT))],
  ])('%s', (encoding, body) => {
    const result = decodeBody(body, encoding);
    expect(result.error).toBeNull();
    expect(result.body.equals(TEXT)).toBe(true);
  });

  it.each([
    ['compress', /unknown content-encoding "compress"/],
    ['gzip', /gzip body that does not decode/],
  ])('says why a %s body is kept as it came', (encoding, message) => {
    const result = decodeBody(TEXT, encoding);
    expect(result.error).toMatch(message);
    expect(result.body).toBe(TEXT);
  });
});

describe('acceptedEncodings', () => {
  it.each([
    ['gzip, deflate, br', 'gzip, deflate, br'],
    ['gzip, deflate, br, zstd', typeof (zlib as unknown as Record<string, unknown>).zstdDecompressSync === 'function' ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br'],
    ['gzip;q=1.0, compress;q=0.5, *;q=0.1', 'gzip;q=1.0'],
    ['', ''],
  ])('%s → %s', (given, expected) => {
    expect(acceptedEncodings(given)).toBe(expected);
  });
});
