// What every vendor page shares: the cell marker the stubs read, and the three embed forms with
// what each one asks of the policy.
import { NONCE_ATTRIBUTE } from '../site/placeholders.ts';
import type { EmbedForm, EmbedSpec, ExpectEntry, VendorPage } from './types.ts';

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

/**
 * The vendor's embed in one of its three forms. With `nonce`, the embed tag — and only it — carries
 * the response's nonce, as the vendors' docs tell site owners to do.
 */
export function embedMarkup(form: EmbedForm, spec: EmbedSpec, nonce: boolean): Pick<VendorPage, 'body' | 'files' | 'inlineScripts'> {
  const n = nonce ? NONCE_ATTRIBUTE : '';
  switch (form) {
    case 'external':
      return { body: `<script src="${attr(spec.loaderUrl)}"${n}></script>`, inlineScripts: [] };
    case 'inline':
      return { body: `<script${n}>${spec.snippet}</script>`, inlineScripts: [spec.snippet] };
    case 'self':
      return {
        body: `<script src="${attr(spec.selfFile)}"${n}></script>`,
        files: { [spec.selfFile]: { contentType: 'text/javascript; charset=utf-8', body: spec.selfBody ?? spec.snippet } },
        inlineScripts: [],
      };
  }
}

/** What the embed itself asks of the policy: its tag (nonced or not), then what its snippet inserts. */
export function embedExpectations(form: EmbedForm, spec: EmbedSpec, nonced: boolean): ExpectEntry[] {
  const inserted: ExpectEntry[] = spec.inserted === null ? [] : [{ request: spec.inserted ?? spec.loaderUrl, as: 'script', initiator: 'script' }];
  switch (form) {
    case 'external':
      return [{ request: spec.loaderUrl, as: 'script', initiator: 'parser', nonced }];
    case 'inline':
      return [{ inline: 'inline-script', content: spec.snippet, nonced }, ...inserted];
    case 'self':
      return [{ request: spec.selfFile, as: 'script', initiator: 'parser', nonced }, ...inserted];
  }
}

export const EMBED_FORMS: readonly EmbedForm[] = ['external', 'inline', 'self'];

export function embedParam(defaultForm: EmbedForm, description = 'how the site installs the embed: external <script src>, the inline snippet, or the snippet saved as a same-origin file') {
  return { key: 'embed', values: EMBED_FORMS, default: defaultForm, description } as const;
}
