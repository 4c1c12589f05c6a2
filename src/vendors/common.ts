// Building blocks every vendor page shares: the cell marker stubs read, and the three embed forms.
import type { EmbedForm, VendorPage } from './types.ts';

function attr(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/**
 * A plain element the stubs read to know which feature (and params) this cell exercises. No script:
 * the page's policy would block it. Stubs: `document.getElementById('csph-cell').dataset`.
 */
export function cellMarker(vendor: string, feature: string, params: Record<string, string>): string {
  return `<div id="csph-cell" data-vendor="${attr(vendor)}" data-feature="${attr(feature)}" data-params="${attr(JSON.stringify(params))}" hidden></div>`;
}

export interface EmbedSpec {
  /** The vendor's loader, for `external`: a parser-inserted <script src>. */
  loaderUrl: string;
  /** The vendor's inline snippet text (usually inserts the loader), for `inline` and `self`. */
  snippet: string;
  /** File name of the snippet saved on the site, for `self` (served below the cell's page). */
  selfFile: string;
}

const NONCE_ATTR = ' nonce="{{nonce}}"';

/**
 * The vendor's embed in one of its three forms. With `nonce`, the embed tag — and only it — carries
 * the response's nonce, as the vendors' docs tell site owners to do.
 */
export function embedMarkup(form: EmbedForm, spec: EmbedSpec, nonce: boolean): Pick<VendorPage, 'body' | 'files' | 'inlineScripts'> {
  const n = nonce ? NONCE_ATTR : '';
  switch (form) {
    case 'external':
      return { body: `<script src="${attr(spec.loaderUrl)}"${n}></script>`, inlineScripts: [] };
    case 'inline':
      return { body: `<script${n}>${spec.snippet}</script>`, inlineScripts: [spec.snippet] };
    case 'self':
      return {
        body: `<script src="${attr(spec.selfFile)}"${n}></script>`,
        files: { [spec.selfFile]: { contentType: 'text/javascript; charset=utf-8', body: spec.snippet } },
        inlineScripts: [],
      };
  }
}

export const EMBED_PARAM = (defaultForm: EmbedForm) =>
  ({
    key: 'embed',
    values: ['external', 'inline', 'self'] as const,
    default: defaultForm,
    description: 'how the site installs the embed: external <script src>, the inline snippet, or the snippet saved as a same-origin file',
  }) as const;
