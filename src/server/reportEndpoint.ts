// The harness's own report collector (REPORT_HOST): every report body a browser sends is kept under
// the cell its report-uri names, parsed, or refused above MAX_REPORT_BYTES — never dropped.
import type { CompletedRequest } from 'mockttp';
import { parseReportBody, type CspReport } from '../collectors/reports.ts';
import { CORS } from './staticFiles.ts';

/** Reports larger than this are refused (413) and recorded, never parsed. */
export const MAX_REPORT_BYTES = 64 * 1024;

export interface StoredReport {
  cellId: string;
  receivedAt: number;
  contentType: string;
  report: CspReport | null;
  /** Why the body was not a report (malformed, too large), else null. */
  error: string | null;
}

/** One request to the collector: its reports kept (`keep`) under the cell its URL names; the answer for the browser. */
export function receiveReport(req: CompletedRequest, url: URL, keep: (stored: StoredReport) => void) {
  const cellId = url.searchParams.get('cell') ?? '';
  const contentType = String(req.headers['content-type'] ?? '');
  const length = Number(req.headers['content-length'] ?? req.body.buffer.length);
  const store = (report: CspReport | null, error: string | null) => keep({ cellId, receivedAt: Date.now(), contentType, report, error });
  if (length > MAX_REPORT_BYTES || req.body.buffer.length > MAX_REPORT_BYTES) {
    store(null, `body of ${length} bytes refused (limit ${MAX_REPORT_BYTES})`);
    return { statusCode: 413, headers: CORS, body: 'csp-harness: report too large' };
  }
  const parsed = parseReportBody(contentType, req.body.buffer.toString('utf8'));
  // Only a report-only policy reports to `d=report` (site.ts): that settles a missing disposition.
  const fromReportOnly = url.searchParams.get('d') === 'report';
  if (parsed.ok) for (const report of parsed.reports) store(fromReportOnly ? { ...report, disposition: 'report' } : report, null);
  else store(null, parsed.error);
  return { statusCode: 204, headers: CORS };
}
