// Every answer of the proxy leaves nothing in the browser for the next cell (decisions/0013).
import { describe, expect, it } from 'vitest';
import { uncached } from './uncached.ts';

describe('uncached', () => {
  it.each([
    { name: 'no headers at all', headers: undefined, expected: { 'cache-control': 'no-store' } },
    { name: "a recorded answer's max-age", headers: { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=31536000' }, expected: { 'content-type': 'text/javascript', 'cache-control': 'no-store' } },
    { name: 'Expires, Age and Pragma', headers: { Expires: 'Thu, 01 Jan 2099 00:00:00 GMT', age: '12', pragma: 'cache' }, expected: { 'cache-control': 'no-store' } },
    { name: 'HSTS and Alt-Svc, in any case', headers: { 'Strict-Transport-Security': 'max-age=63072000', 'alt-svc': 'h3=":443"' }, expected: { 'cache-control': 'no-store' } },
    { name: 'a repeated header kept whole', headers: { 'set-cookie': ['a=1', 'b=2'] }, expected: { 'set-cookie': ['a=1', 'b=2'], 'cache-control': 'no-store' } },
    { name: 'an undefined value dropped', headers: { etag: undefined, vary: 'origin' }, expected: { vary: 'origin', 'cache-control': 'no-store' } },
  ])('$name', ({ headers, expected }) => {
    expect(uncached({ statusCode: 200, headers }).headers).toEqual(expected);
  });

  it('keeps the rest of the answer', () => {
    const body = Buffer.from('x');
    expect(uncached({ statusCode: 404, statusMessage: 'Not Found', rawBody: body, headers: {} })).toEqual({ statusCode: 404, statusMessage: 'Not Found', rawBody: body, headers: { 'cache-control': 'no-store' } });
  });
});
