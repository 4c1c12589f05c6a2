// Directive names of CSP Level 3 and their fallback lists.

/** Directives whose value is a source list. */
export const FETCH_DIRECTIVES = [
  'child-src',
  'connect-src',
  'default-src',
  'font-src',
  'frame-src',
  'img-src',
  'manifest-src',
  'media-src',
  'object-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'worker-src',
  'fenced-frame-src',
] as const;

const SOURCE_LIST_DIRECTIVES = new Set<string>([...FETCH_DIRECTIVES, 'base-uri', 'form-action', 'frame-ancestors']);

const OTHER_DIRECTIVES = new Set<string>([
  'sandbox',
  'report-uri',
  'report-to',
  'upgrade-insecure-requests',
  'block-all-mixed-content',
  'require-trusted-types-for',
  'trusted-types',
  'webrtc',
  'prefetch-src',
  'navigate-to',
  'plugin-types',
  'require-sri-for',
]);

/** Directives a browser drops from a policy delivered in <meta>. */
export const META_IGNORED_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** Directives that only say where to send reports: they never change what is enforced. */
export const REPORTING_DIRECTIVES = new Set(['report-uri', 'report-to']);

export function isSourceListDirective(name: string): boolean {
  return SOURCE_LIST_DIRECTIVES.has(name);
}

export function isKnownDirective(name: string): boolean {
  return SOURCE_LIST_DIRECTIVES.has(name) || OTHER_DIRECTIVES.has(name);
}

/** CSP3 §6.8.3 "Get the fallback list": the directives consulted, in order, for an effective directive. */
export function fallbackList(effectiveDirective: string): string[] {
  switch (effectiveDirective) {
    case 'script-src-elem':
      return ['script-src-elem', 'script-src', 'default-src'];
    case 'script-src-attr':
      return ['script-src-attr', 'script-src', 'default-src'];
    case 'style-src-elem':
      return ['style-src-elem', 'style-src', 'default-src'];
    case 'style-src-attr':
      return ['style-src-attr', 'style-src', 'default-src'];
    case 'worker-src':
      return ['worker-src', 'child-src', 'script-src', 'default-src'];
    case 'frame-src':
      return ['frame-src', 'child-src', 'default-src'];
    case 'connect-src':
    case 'manifest-src':
    case 'object-src':
    case 'img-src':
    case 'media-src':
    case 'font-src':
    case 'child-src':
    case 'script-src':
    case 'style-src':
    case 'fenced-frame-src':
      return [effectiveDirective, 'default-src'];
    default:
      return [effectiveDirective];
  }
}
