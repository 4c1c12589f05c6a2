// One fixture context's CSP observations, from every channel the engine offers: console messages and
// page errors (the engines' wordings, parsed by src/collectors/messages.ts), securitypolicyviolation
// events (the harness's listener, injected before page scripts), and the policy's report-uri reports
// (intercepted with context.route and answered 204 — the served policy is never changed). Policies
// come from the document responses' headers and the documents' <meta> tags. Never bypassCSP.
import type { BrowserContext, ConsoleMessage, Page, Request, Response, Route } from '@playwright/test';
import { parseCspMessage } from '../collectors/messages.ts';
import { parseReportBody } from '../collectors/reports.ts';
import { parsePolicyList } from '../policy/index.ts';
import { BINDING, INIT_SCRIPT, readInitMessage, type InitMessage } from './initScript.ts';
import { coverageOf } from './message.ts';
import type { CspAllow, CspSeenPolicy, CspSignalCoverage, CspViolation } from './types.ts';
import { violationsOf, type PageLoad } from './violations.ts';

interface DocumentInfo {
  url: string;
  listener: boolean;
  hasPolicy: boolean;
  reportUris: string[];
  reportTo: boolean;
}

/** A main-frame document and its frames, from one navigation of one page. */
interface Load extends PageLoad {
  page: Page | null;
  documents: Map<string, DocumentInfo>;
}

export interface CollectorOptions {
  /** What the test tolerates everywhere (the `cspAllow` option): the matcher applies it too. */
  allow?: CspAllow;
  /** Intercept the policy's report-uri endpoints (`collect`, default) or leave reports alone (`off`). */
  reports: 'collect' | 'off';
}

const collectors = new WeakMap<BrowserContext, CspCollector>();

/** The collector the fixture attached to this context, if any. */
export function collectorOf(context: BrowserContext): CspCollector | undefined {
  return collectors.get(context);
}

function withoutHash(url: string): string {
  const i = url.indexOf('#');
  return i >= 0 ? url.slice(0, i) : url;
}

/** Header values as HTTP joins repeated headers (Chromium's protocol joins them with newlines). */
function headerList(value: string | undefined): string | null {
  if (value === undefined) return null;
  const joined = value.split('\n').map((v) => v.trim()).filter((v) => v !== '').join(', ');
  return joined === '' ? null : joined;
}

function frameOf(request: Request): ReturnType<Request['frame']> | null {
  try {
    return request.frame();
  } catch {
    // A service worker's request has no frame.
    return null;
  }
}

export class CspCollector {
  private loads: Load[] = [];
  private readonly current = new Map<Page, Load>();
  private readonly endpoints = new Set<string>();
  private reportsRead = 0;
  private reportsUnreadable = 0;
  private lastActivity = Date.now();
  private readonly routeHandler = (route: Route) => this.onReport(route);
  private readonly routeMatcher = (url: URL) => this.endpoints.has(withoutHash(url.href));

  private constructor(
    readonly context: BrowserContext,
    private readonly options: CollectorOptions,
  ) {}

  /** The test's `cspAllow`. */
  get allow(): CspAllow | undefined {
    return this.options.allow;
  }

  /** Attaches to a context before its pages load anything (the fixture does it as the context is made). */
  static async attach(context: BrowserContext, options: CollectorOptions): Promise<CspCollector> {
    const existing = collectors.get(context);
    if (existing) return existing;
    const collector = new CspCollector(context, options);
    collectors.set(context, collector);
    await context.exposeBinding(BINDING, (source, payload: unknown) => collector.onMessage(source.page, readInitMessage(payload)));
    await context.addInitScript({ content: INIT_SCRIPT });
    if (options.reports === 'collect') await context.route(collector.routeMatcher, collector.routeHandler);
    context.on('response', (response) => collector.onResponse(response));
    context.on('page', (page) => collector.watch(page));
    for (const page of context.pages()) collector.watch(page);
    return collector;
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }

  private newLoad(page: Page | null, mainURL: string | null): Load {
    const load: Load = { page, mainURL, messages: [], events: [], reports: [], policies: [], documents: new Map() };
    this.loads.push(load);
    if (page) this.current.set(page, load);
    return load;
  }

  private loadOf(page: Page | null): Load {
    if (page) return this.current.get(page) ?? this.newLoad(page, page.url() || null);
    return this.loads.at(-1) ?? this.newLoad(null, null);
  }

  private document(load: Load, url: string): DocumentInfo {
    const key = withoutHash(url);
    let doc = load.documents.get(key);
    if (!doc) {
      doc = { url: key, listener: false, hasPolicy: false, reportUris: [], reportTo: false };
      load.documents.set(key, doc);
    }
    return doc;
  }

  private watch(page: Page): void {
    page.on('console', (message: ConsoleMessage) => {
      const text = message.text();
      if (parseCspMessage(text) === null) return;
      this.loadOf(page).messages.push({ channel: 'console', text });
      this.touch();
    });
    page.on('pageerror', (error: Error) => {
      const text = error.message;
      if (parseCspMessage(text) === null) return;
      this.loadOf(page).messages.push({ channel: 'pageerror', text });
      this.touch();
    });
  }

  private addPolicies(load: Load, url: string, values: string[], disposition: 'enforce' | 'report', source: 'header' | 'meta'): void {
    const doc = this.document(load, url);
    for (const value of values) {
      load.policies.push({ documentURL: doc.url, value, disposition, source });
      doc.hasPolicy = true;
      for (const policy of parsePolicyList(value, { disposition, source }).policies) {
        for (const directive of policy.directives) {
          if (directive.name === 'report-to') doc.reportTo = true;
          if (directive.name !== 'report-uri') continue;
          for (const token of directive.tokens) {
            try {
              const endpoint = withoutHash(new URL(token, url).href);
              if (!doc.reportUris.includes(endpoint)) doc.reportUris.push(endpoint);
              this.endpoints.add(endpoint);
            } catch {
              // Not a URL: the browser ignores it too.
            }
          }
        }
      }
    }
  }

  /** A document's response: the main frame's starts a new load; its policy headers are recorded. */
  private onResponse(response: Response): void {
    const request = response.request();
    if (request.resourceType() !== 'document') return;
    const status = response.status();
    if (status >= 300 && status < 400) return;
    const frame = frameOf(request);
    if (!frame) return;
    const page = frame.page();
    const url = response.url();
    const load = frame === page.mainFrame() ? this.newLoad(page, withoutHash(url)) : this.loadOf(page);
    this.document(load, url);
    const headers = response.headers();
    const enforced = headerList(headers['content-security-policy']);
    const reportOnly = headerList(headers['content-security-policy-report-only']);
    if (enforced) this.addPolicies(load, url, [enforced], 'enforce', 'header');
    if (reportOnly) this.addPolicies(load, url, [reportOnly], 'report', 'header');
    this.touch();
  }

  private onMessage(page: Page | null | undefined, message: InitMessage | null): void {
    if (!message) return;
    const load = this.loadOf(page ?? null);
    if (message.type === 'hello') this.document(load, message.url).listener = true;
    else if (message.type === 'meta') this.addPolicies(load, message.url, message.policies, 'enforce', 'meta');
    else load.events.push({ documentURL: withoutHash(message.url), signal: { channel: 'event', ...message.event } });
    this.touch();
  }

  /** The load a report belongs to: the latest with its document, else the sending frame's page's. */
  private loadForReport(documentURI: string, request: Request): Load {
    const key = withoutHash(documentURI);
    for (let i = this.loads.length - 1; i >= 0; i--) if (this.loads[i]!.documents.has(key)) return this.loads[i]!;
    return this.loadOf(frameOf(request)?.page() ?? null);
  }

  private async onReport(route: Route): Promise<void> {
    const request = route.request();
    try {
      if (request.method() !== 'POST') return await route.fallback();
      const body = request.postData();
      if (body === null) {
        // Playwright over WebDriver BiDi (firefox-esr) gives no request body: let it go on, unread.
        this.reportsUnreadable += 1;
        this.touch();
        return await route.fallback();
      }
      const parsed = parseReportBody(request.headers()['content-type'] ?? '', body);
      if (parsed.ok) {
        for (const report of parsed.reports) this.loadForReport(report.documentURI, request).reports.push(report);
        this.reportsRead += parsed.reports.length;
      }
      this.touch();
      await route.fulfill({ status: 204 });
    } catch {
      // The context is closing.
    }
  }

  private loadsOf(page?: Page): Load[] {
    return page ? this.loads.filter((l) => l.page === page) : this.loads;
  }

  /** Every violation seen (of one page, or of the whole context), merged across channels, with its fix. */
  violations(page?: Page): CspViolation[] {
    return this.loadsOf(page).flatMap((load) => violationsOf(load));
  }

  policies(page?: Page): CspSeenPolicy[] {
    return this.loadsOf(page).flatMap((load) => load.policies);
  }

  coverage(page?: Page): CspSignalCoverage[] {
    const documents = this.loadsOf(page).flatMap((l) => [...l.documents.values()].filter((d) => d.hasPolicy));
    return coverageOf({ documents, reportsRead: this.reportsRead, reportsUnreadable: this.reportsUnreadable, reportsOff: this.options.reports === 'off' });
  }

  /** Whether some http(s) document was loaded and none had a policy. */
  sawNoPolicy(page?: Page): boolean {
    const docs = this.loadsOf(page).flatMap((l) => [...l.documents.values()]);
    return docs.some((d) => /^https?:/.test(d.url)) && !docs.some((d) => d.hasPolicy);
  }

  /**
   * Waits until every channel has been quiet for `quietMs` (reports come a little after the event),
   * at most `maxMs`. A round trip to each page first, so what it already sent has arrived.
   */
  async settle(quietMs = 300, maxMs = 5000): Promise<void> {
    const start = Date.now();
    const pages = this.context.pages().filter((p) => !p.isClosed());
    await Promise.all(pages.map((p) => Promise.race([p.evaluate('0').catch(() => undefined), sleep(1000)])));
    while (Date.now() - start < maxMs) {
      const quiet = Date.now() - Math.max(this.lastActivity, start);
      if (quiet >= quietMs) return;
      await sleep(Math.min(50, quietMs - quiet));
    }
  }

  /** Forgets the violations seen so far (policies and documents are kept). */
  clear(): void {
    for (const load of this.loads) {
      load.messages = [];
      load.events = [];
      load.reports = [];
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
