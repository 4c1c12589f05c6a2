// Parsing CSP violation reports as the engines send them. Never throws: a bad body is a result too.

export type ReportFormat = 'csp-report' | 'reports+json';

export interface CspReport {
  format: ReportFormat;
  disposition: 'enforce' | 'report';
  effectiveDirective: string;
  blockedURI: string;
  documentURI: string;
  sample: string | null;
}

export type ReportParse = { ok: true; reports: CspReport[] } | { ok: false; error: string };

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function fromLegacy(body: Record<string, unknown>): CspReport {
  const effective = str(body['effective-directive']) || str(body['violated-directive']).split(' ')[0] || '';
  return {
    format: 'csp-report',
    disposition: str(body.disposition) === 'report' ? 'report' : 'enforce',
    effectiveDirective: effective.toLowerCase(),
    blockedURI: str(body['blocked-uri']),
    documentURI: str(body['document-uri']),
    sample: str(body['script-sample']) || null,
  };
}

function fromReportingApi(body: Record<string, unknown>): CspReport {
  return {
    format: 'reports+json',
    disposition: str(body.disposition) === 'report' ? 'report' : 'enforce',
    effectiveDirective: str(body.effectiveDirective).toLowerCase(),
    blockedURI: str(body.blockedURL),
    documentURI: str(body.documentURL),
    sample: str(body.sample) || null,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `application/csp-report` (also WebKit's `{type, "csp-report": …}` wrapping) or `application/reports+json`. */
export function parseReportBody(contentType: string, text: string): ReportParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/reports+json' || Array.isArray(json)) {
    if (!Array.isArray(json)) return { ok: false, error: 'application/reports+json must be an array of reports' };
    const reports = json
      .filter((r): r is Record<string, unknown> => isObject(r) && r.type === 'csp-violation' && isObject(r.body))
      .map((r) => fromReportingApi(r.body as Record<string, unknown>));
    return reports.length > 0 ? { ok: true, reports } : { ok: false, error: 'no csp-violation report in the array' };
  }
  if (isObject(json) && isObject(json['csp-report'])) return { ok: true, reports: [fromLegacy(json['csp-report'])] };
  return { ok: false, error: 'no "csp-report" object in the body' };
}
