import { serverAudits } from 'graphql-http';

export interface AuditReport {
  ok: number;
  /** SHOULD not met */
  warn: number;
  /** MUST not met */
  error: number;
  /** MAY not taken */
  notice: number;
  /** failing audits: `<status> <name>: <reason>` */
  failures: string[];
  /** failing audits whose requirement is MUST */
  mustFailures: string[];
}

/** Runs graphql-http's GraphQL-over-HTTP server audits against a URL and counts the outcomes. */
export async function auditGraphQLOverHttp(url: string, fetchFn: typeof fetch = fetch): Promise<AuditReport> {
  const report: AuditReport = { ok: 0, warn: 0, error: 0, notice: 0, failures: [], mustFailures: [] };
  for (const audit of serverAudits({ url, fetchFn })) {
    const result = await audit.fn();
    report[result.status] += 1;
    if (result.status === 'ok') continue;
    const line = `${result.status} ${result.name}: ${result.reason}`;
    report.failures.push(line);
    if (result.name.startsWith('MUST')) report.mustFailures.push(line);
  }
  return report;
}
