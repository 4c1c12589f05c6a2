import { describe, expect, it } from 'vitest';
import { formatTarget, parseResolve } from './resolve.ts';

describe('parseResolve', () => {
  it.each([
    ['widget.acme.test=127.0.0.1:8443', 'widget.acme.test', { address: '127.0.0.1', port: 8443 }],
    ['Widget.ACME.test=127.0.0.1:443', 'widget.acme.test', { address: '127.0.0.1', port: 443 }],
    ['api.acme.com=[::1]:9000', 'api.acme.com', { address: '::1', port: 9000 }],
    ['api.acme.com=[2001:db8::1]:443', 'api.acme.com', { address: '2001:db8::1', port: 443 }],
    ['api.acme.com=staging-api.internal:8443', 'api.acme.com', { address: 'staging-api.internal', port: 8443 }],
    [' cdn.acme.com = 10.0.0.5:443 ', 'cdn.acme.com', { address: '10.0.0.5', port: 443 }],
  ])('%s', (arg, host, target) => {
    const result = parseResolve([arg]);
    expect(result.ok && Object.fromEntries(result.targets)).toEqual({ [host]: target });
  });

  it.each([
    ['widget.acme.test', /expected host=address:port/],
    ['widget.acme.test:127.0.0.1:8443', /expected host=address:port/],
    ['=127.0.0.1:8443', /is not a host name/],
    ['*.acme.test=127.0.0.1:8443', /is not a host name/],
    ['widget.acme.test=127.0.0.1', /is not address:port/],
    ['widget.acme.test=::1:8443', /is not address:port.*brackets/],
    ['widget.acme.test=127.0.0.1:0', /port 0 is not from 1 to 65535/],
    ['widget.acme.test=127.0.0.1:70000', /port 70000 is not from 1 to 65535/],
    ['widget.acme.test=127.0.0.300:443', /is not an IP address or host name/],
    ['widget.acme.test=[nope]:443', /is not an IP address or host name/],
    ['widget.acme.test=https://127.0.0.1:443', /is not address:port/],
  ])('refuses %s', (arg, message) => {
    const result = parseResolve([arg]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(message);
  });

  it('refuses a host given twice and lists every problem', () => {
    const result = parseResolve(['a.test=127.0.0.1:1', 'a.test=127.0.0.1:2', 'b.test']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toHaveLength(2);
      expect(result.problems[0]).toMatch(/a\.test is already sent to 127\.0\.0\.1:1/);
    }
  });

  it('formats targets as they are written', () => {
    expect(formatTarget({ address: '::1', port: 8443 })).toBe('[::1]:8443');
    expect(formatTarget({ address: '127.0.0.1', port: 443 })).toBe('127.0.0.1:443');
  });
});
